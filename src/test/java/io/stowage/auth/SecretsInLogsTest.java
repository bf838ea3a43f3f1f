package io.stowage.auth;

import static io.stowage.auth.AuthFixture.ALICE;
import static io.stowage.auth.AuthFixture.ALICE_PASSWORD;
import static io.stowage.auth.AuthFixture.BOB;
import static io.stowage.auth.AuthFixture.BOB_PASSWORD;
import static io.stowage.auth.AuthFixture.CI_TOKEN;
import static io.stowage.auth.AuthFixture.READER_TOKEN;
import static io.stowage.auth.AuthFixture.basic;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Writer;
import io.stowage.content.local.LocalContentStore;
import io.stowage.content.remote.RemoteContentStore;
import io.stowage.content.remote.RemoteOptions;
import io.stowage.metadata.MetadataDb;
import io.stowage.net.ClientSecurity;
import io.stowage.registry.RegistryOptions;
import io.stowage.registry.RegistryRoutes;
import io.stowage.server.ContentRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.ServerSecurity;
import io.stowage.server.StowageServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * With every logger (stowage, Reactor Netty, Netty) at TRACE, a server and clients go through every kind of
 * login, success and failure; no logged message, argument or stack trace contains a password, a token, the
 * base64 of a basic credential, or an issued registry token.
 */
class SecretsInLogsTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final List<String> LOGGERS = List.of(Logger.ROOT_LOGGER_NAME, "io.stowage", "reactor",
            "reactor.netty", "io.netty");

    @TempDir
    Path dir;

    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final Map<String, Level> saved = new HashMap<>();
    private AppenderBase<ILoggingEvent> capture;
    private MetadataDb db;
    private LocalContentStore store;
    private AuthFilter auth;
    private StowageServer server;

    @BeforeEach
    void start() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                StringBuilder b = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
                for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                    b.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
                    for (StackTraceElementProxy s : t.getStackTraceElementProxyArray()) {
                        b.append(' ').append(s.getSTEAsString());
                    }
                }
                lines.add(b.toString());
            }
        };
        capture.setContext(ctx);
        capture.start();
        for (String name : LOGGERS) {
            Logger l = ctx.getLogger(name);
            saved.put(name, l.getLevel());
            l.setLevel(Level.TRACE);
        }
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);

        db = MetadataDb.open(dir.resolve("metadata.db"));
        store = LocalContentStore.open(dir.resolve("store"), Schedulers.boundedElastic(), db);
        auth = AuthFilter.of(AuthFixture.config(dir.resolve("auth")), false);
        ServerOptions opts = ServerOptions.defaults().withPort(0);
        server = StowageServer.start(opts, List.of(ContentRoutes.of(store, opts),
                RegistryRoutes.of(store, db, RegistryOptions.defaults())), new ServerSecurity(null, auth));
    }

    @AfterEach
    void stop() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(capture);
        saved.forEach((name, level) -> ctx.getLogger(name).setLevel(level));
        server.disposeNow(T);
        auth.close();
        store.close();
        db.close();
    }

    private int call(HttpMethod method, String uri, String authorization, List<String> bodies) {
        return HttpClient.create().baseUrl(server.uri().toString())
                .headers(h -> {
                    if (authorization != null) {
                        h.set("Authorization", authorization);
                    }
                })
                .request(method).uri(uri).send(Mono.just(Unpooled.wrappedBuffer(new byte[0])))
                .responseSingle((res, b) -> b.asString().defaultIfEmpty("").map(s -> {
                    bodies.add(s);
                    return res.status().code();
                }))
                .block(T);
    }

    @Test
    void noSecretReachesTheLogs() throws Exception {
        List<String> bodies = new ArrayList<>();
        assertThat(call(HttpMethod.GET, "/v1/content", basic(ALICE, ALICE_PASSWORD), bodies)).isEqualTo(200);
        assertThat(call(HttpMethod.GET, "/v1/content", basic(ALICE, BOB_PASSWORD), bodies)).isEqualTo(401);
        assertThat(call(HttpMethod.GET, "/v1/content", basic("mallory", ALICE_PASSWORD), bodies)).isEqualTo(401);
        assertThat(call(HttpMethod.DELETE, "/v1/content/sha256:" + "1".repeat(64), basic(BOB, BOB_PASSWORD), bodies))
                .isEqualTo(403);
        assertThat(call(HttpMethod.GET, "/v1/ingests", "Bearer " + READER_TOKEN, bodies)).isEqualTo(200);
        assertThat(call(HttpMethod.GET, "/v1/ingests", "Bearer " + CI_TOKEN + "x", bodies)).isEqualTo(401);
        assertThat(call(HttpMethod.GET, "/v2/token?service=stowage&scope=repository:team/a:pull,push",
                basic(ALICE, ALICE_PASSWORD), bodies)).isEqualTo(200);
        String issued = new ObjectMapper().readTree(bodies.get(bodies.size() - 1)).path("token").asText();
        assertThat(call(HttpMethod.POST, "/v2/team/a/blobs/uploads/", "Bearer " + issued, bodies)).isEqualTo(202);
        assertThat(call(HttpMethod.POST, "/v2/other/a/blobs/uploads/", "Bearer " + issued, bodies)).isEqualTo(403);
        assertThat(call(HttpMethod.GET, "/v2/token?scope=repository:x:pull", basic(BOB, ALICE_PASSWORD), bodies))
                .isEqualTo(401);

        byte[] data = new byte[10_000];
        Digest digest = Digest.of(Digest.SHA256, data);
        try (ContentStore remote = RemoteContentStore.connect(server.uri(), RemoteOptions.defaults(),
                ClientSecurity.none().withToken(CI_TOKEN))) {
            Writer w = remote.writer("logged", data.length, digest).block(T);
            w.write(Flux.just(ByteBuffer.wrap(data))).block(T);
            w.commit(data.length, digest, Map.of()).block(T);
            assertThat(remote.info(digest).block(T).size()).isEqualTo(data.length);
        }

        List<String> secrets = List.of(ALICE_PASSWORD, BOB_PASSWORD, CI_TOKEN, READER_TOKEN, issued,
                issued.substring(issued.indexOf('.') + 1),
                b64(ALICE + ":" + ALICE_PASSWORD), b64(ALICE + ":" + BOB_PASSWORD), b64(BOB + ":" + BOB_PASSWORD),
                b64("mallory:" + ALICE_PASSWORD), b64(BOB + ":" + ALICE_PASSWORD));
        assertThat(lines).as("the capture works at TRACE").isNotEmpty();
        for (String line : lines) {
            for (String secret : secrets) {
                assertThat(line).as("a log line").doesNotContain(secret);
            }
            assertThat(line.toLowerCase()).as("a log line").doesNotContain("authorization: ");
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
