package io.stowage.auth;

import static io.stowage.auth.AuthFixture.ALICE;
import static io.stowage.auth.AuthFixture.ALICE_PASSWORD;
import static io.stowage.auth.AuthFixture.BOB;
import static io.stowage.auth.AuthFixture.BOB_PASSWORD;
import static io.stowage.auth.AuthFixture.CI_TOKEN;
import static io.stowage.auth.AuthFixture.READER_TOKEN;
import static io.stowage.auth.AuthFixture.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.local.LocalContentStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.registry.RegistryOptions;
import io.stowage.registry.RegistryRoutes;
import io.stowage.server.ContentRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.ServerSecurity;
import io.stowage.server.StowageServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * The wire contract of authentication and authorization: 401 with the right challenges, 403 with the right
 * bodies, read versus read-write, repository prefixes, and the registry token flow.
 */
class AuthFilterTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BLOB = "sha256:" + "0".repeat(64);

    @TempDir
    Path dir;

    private MetadataDb db;
    private LocalContentStore store;
    private AuthFilter auth;
    private StowageServer server;
    private HttpClient client;

    record Resp(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    @BeforeEach
    void start() {
        db = MetadataDb.open(dir.resolve("metadata.db"));
        store = LocalContentStore.open(dir.resolve("store"), Schedulers.boundedElastic(), db);
        auth = AuthFilter.of(AuthFixture.config(dir.resolve("auth")), false);
        ServerOptions opts = ServerOptions.defaults().withPort(0);
        server = StowageServer.start(opts, List.of(ContentRoutes.of(store, opts),
                RegistryRoutes.of(store, db, RegistryOptions.defaults())), new ServerSecurity(null, auth));
        client = HttpClient.create().baseUrl(server.uri().toString());
    }

    @AfterEach
    void stop() {
        server.disposeNow(T);
        auth.close();
        store.close();
        db.close();
    }

    Resp call(HttpMethod method, String uri, String authorization) {
        return call(method, uri, authorization, null);
    }

    Resp call(HttpMethod method, String uri, String authorization, byte[] body) {
        return client.headers(h -> {
                    if (authorization != null) {
                        h.set("Authorization", authorization);
                    }
                })
                .request(method).uri(uri)
                .send(body == null ? Mono.empty() : Mono.just(Unpooled.wrappedBuffer(body)))
                .responseSingle((res, b) -> b.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(s -> new Resp(res.status().code(), res.responseHeaders(), s)))
                .block(T);
    }

    @Test
    void theContentApiWithoutCredentialsIs401WithBothChallenges() {
        Resp r = call(HttpMethod.GET, "/v1/content", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers().getAll("WWW-Authenticate"))
                .containsExactly("Bearer realm=\"stowage\"", "Basic realm=\"stowage\"");
        assertThat(r.json().path("code").asText()).isEqualTo("unauthenticated");

        Resp wrong = call(HttpMethod.GET, "/v1/content", basic(ALICE, "not-the-password"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("message").asText()).isEqualTo("wrong user name or password");
        assertThat(call(HttpMethod.GET, "/v1/content", basic("mallory", "x")).status()).isEqualTo(401);
        assertThat(call(HttpMethod.GET, "/v1/content", "Bearer not-a-token").status()).isEqualTo(401);
        assertThat(call(HttpMethod.GET, "/nowhere", null).status()).as("unknown paths too").isEqualTo(401);
    }

    @Test
    void readAccessReadsAndIsDeniedWritesWith403() {
        assertThat(call(HttpMethod.GET, "/v1/content", basic(BOB, BOB_PASSWORD)).status()).isEqualTo(200);
        assertThat(call(HttpMethod.GET, "/v1/ingests", "Bearer " + READER_TOKEN).status()).isEqualTo(200);

        Resp put = call(HttpMethod.PUT, "/v1/ingests/r1?total=3", basic(BOB, BOB_PASSWORD), new byte[3]);
        assertThat(put.status()).isEqualTo(403);
        assertThat(put.json().path("code").asText()).isEqualTo("permission_denied");
        assertThat(call(HttpMethod.DELETE, "/v1/content/" + BLOB, "Bearer " + READER_TOKEN).status()).isEqualTo(403);
        assertThat(call(HttpMethod.GET, "/v1/ingests/r1/write", "Bearer " + READER_TOKEN).status())
                .as("a write session is a write").isEqualTo(403);
        assertThat(store.listStatuses().collectList().block(T)).isEmpty();

        assertThat(call(HttpMethod.PUT, "/v1/ingests/r2?total=3&commit=true", "Bearer " + CI_TOKEN, new byte[3])
                .status()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/v1/content", basic(ALICE, ALICE_PASSWORD)).body()).contains("sha256:");
    }

    @Test
    void theRegistryChallengesWithTheTokenRealmAndTheScopeOfTheRequest() {
        String base = "http://127.0.0.1:" + server.address().getPort();
        Resp root = call(HttpMethod.GET, "/v2/", null);
        assertThat(root.status()).isEqualTo(401);
        assertThat(root.headers().get("WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"" + base + "/v2/token\",service=\"stowage\"");
        assertThat(root.headers().get("Docker-Distribution-API-Version")).isEqualTo("registry/2.0");
        assertThat(root.json().path("errors").get(0).path("code").asText()).isEqualTo("UNAUTHORIZED");

        Resp pull = call(HttpMethod.GET, "/v2/team/app/manifests/v1", null);
        assertThat(pull.headers().get("WWW-Authenticate")).isEqualTo("Bearer realm=\"" + base
                + "/v2/token\",service=\"stowage\",scope=\"repository:team/app:pull\"");
        Resp push = call(HttpMethod.POST, "/v2/team/app/blobs/uploads/", null);
        assertThat(push.headers().get("WWW-Authenticate")).endsWith("scope=\"repository:team/app:pull,push\"");

        assertThat(call(HttpMethod.GET, "/v2/", basic(BOB, BOB_PASSWORD)).status()).isEqualTo(200);
        Resp denied = call(HttpMethod.POST, "/v2/team/app/blobs/uploads/", basic(BOB, BOB_PASSWORD));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.json().path("errors").get(0).path("code").asText()).isEqualTo("DENIED");
        assertThat(call(HttpMethod.POST, "/v2/team/app/blobs/uploads/", basic(ALICE, ALICE_PASSWORD)).status())
                .isEqualTo(202);
        assertThat(call(HttpMethod.POST, "/v2/other/app/blobs/uploads/", basic(ALICE, ALICE_PASSWORD)).status())
                .as("alice may only read outside team/").isEqualTo(403);
        assertThat(call(HttpMethod.POST, "/v2/team/app/blobs/uploads/?mount=" + BLOB + "&from=secret/x",
                "Bearer " + CI_TOKEN).status()).as("ci has read-write everywhere").isNotEqualTo(403);
    }

    @Test
    void theTokenEndpointGrantsWhatThePrincipalHasAndTheTokenIsBoundByIt() {
        Resp anonymous = call(HttpMethod.GET, "/v2/token?service=stowage&scope=repository:team/app:pull", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.headers().get("WWW-Authenticate")).isEqualTo("Basic realm=\"stowage\"");
        assertThat(call(HttpMethod.GET, "/v2/token?scope=repository:team/app:pull", basic(ALICE, "wrong"))
                .status()).isEqualTo(401);

        Resp r = call(HttpMethod.GET, "/v2/token?service=stowage&scope=repository:team/app:pull,push"
                + "&scope=repository:other/lib:pull,push", basic(ALICE, ALICE_PASSWORD));
        assertThat(r.status()).isEqualTo(200);
        JsonNode n = r.json();
        String token = n.path("token").asText();
        assertThat(n.path("access_token").asText()).isEqualTo(token);
        assertThat(n.path("expires_in").asLong()).isEqualTo(300);
        assertThat(r.headers().get("Cache-Control")).isEqualTo("no-store");

        assertThat(call(HttpMethod.POST, "/v2/team/app/blobs/uploads/", "Bearer " + token).status()).isEqualTo(202);
        assertThat(call(HttpMethod.GET, "/v2/other/lib/tags/list", "Bearer " + token).status())
                .as("pull on other/lib was granted").isEqualTo(404);
        assertThat(call(HttpMethod.POST, "/v2/other/lib/blobs/uploads/", "Bearer " + token).status())
                .as("push on other/lib was not").isEqualTo(403);
        assertThat(call(HttpMethod.GET, "/v2/third/repo/tags/list", "Bearer " + token).status())
                .as("nothing asked for third/repo").isEqualTo(403);
        assertThat(call(HttpMethod.GET, "/v1/content", "Bearer " + token).status())
                .as("registry tokens are for /v2").isEqualTo(403);

        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertThat(call(HttpMethod.GET, "/v2/", "Bearer " + tampered).status()).isEqualTo(401);

        Resp viaToken = call(HttpMethod.GET, "/v2/token?scope=repository:x/y:pull,push", "Bearer " + READER_TOKEN);
        assertThat(viaToken.status()).isEqualTo(200);
        String readerToken = viaToken.json().path("token").asText();
        assertThat(call(HttpMethod.GET, "/v2/x/y/tags/list", "Bearer " + readerToken).status()).isEqualTo(404);
        assertThat(call(HttpMethod.POST, "/v2/x/y/blobs/uploads/", "Bearer " + readerToken).status()).isEqualTo(403);

        assertThat(call(HttpMethod.POST, "/v2/token", basic(ALICE, ALICE_PASSWORD)).status())
                .as("no OAuth2 POST: clients fall back to GET").isEqualTo(404);
    }
}
