package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.auth.AuthFilter;
import io.stowage.auth.AuthFixture;
import io.stowage.content.Digest;
import io.stowage.content.local.LocalContentStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.server.ServerOptions;
import io.stowage.server.ServerSecurity;
import io.stowage.server.StowageServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * The real skopeo logs in to an auth-enabled stowage through the registry token flow (401 Bearer challenge,
 * GET /v2/token with basic auth, bearer token): it pushes with read-write credentials, pulls with read-only ones,
 * and is refused without credentials or with read-only credentials for a push.
 */
class SkopeoAuthTest extends RegistryTestBase {
    private AuthFilter auth;

    @Override
    void start() {
        db = MetadataDb.open(root.resolve("metadata.db"));
        store = LocalContentStore.open(root, Schedulers.boundedElastic(), db);
        auth = AuthFilter.of(AuthFixture.config(root.resolve("auth")), false);
        server = StowageServer.start(ServerOptions.defaults().withPort(0),
                List.of(RegistryRoutes.of(store, db, options())), new ServerSecurity(null, auth));
        client = HttpClient.create().baseUrl(server.uri().toString());
    }

    @AfterEach
    void closeAuth() {
        if (auth != null) {
            auth.close();
        }
    }

    @Test
    void skopeoLogsInThroughTheTokenFlowToPushAndPull() throws Exception {
        Path skopeo = ExternalTool.require("skopeo");
        Path work = Files.createDirectories(root.resolve("work"));
        OciLayout image = OciLayout.write(work.resolve("src"), "v1", 11, 1 << 20, 300_000);
        String ref = "docker://" + hostPort() + "/team/app:v1";
        List<String> copyIn = List.of(skopeo.toString(), "--insecure-policy", "copy", "--dest-tls-verify=false",
                "oci:" + image.dir() + ":v1", ref);

        ExternalTool.Result anonymous = ExternalTool.run(work, 300, copyIn);
        assertThat(anonymous.exit()).as(anonymous.output()).isNotZero();
        assertThat(anonymous.output().toLowerCase()).contains("unauthorized");

        ExternalTool.Result readOnly = ExternalTool.run(work, 300, with(copyIn, 3, "--dest-creds",
                AuthFixture.BOB + ":" + AuthFixture.BOB_PASSWORD));
        assertThat(readOnly.exit()).as(readOnly.output()).isNotZero();
        assertThat(readOnly.output().toLowerCase()).containsAnyOf("denied", "unauthorized");
        assertThat(store.listStatuses().collectList().block(T)).isEmpty();

        ExternalTool.check(work, 300, with(copyIn, 3, "--dest-creds",
                AuthFixture.ALICE + ":" + AuthFixture.ALICE_PASSWORD));
        for (Map.Entry<Digest, byte[]> b : image.blobs().entrySet()) {
            assertThat(store.info(b.getKey()).block(T).size()).isEqualTo(b.getValue().length);
        }

        Path out = work.resolve("dst");
        ExternalTool.check(work, 300, List.of(skopeo.toString(), "--insecure-policy", "copy",
                "--src-tls-verify=false", "--src-creds", AuthFixture.BOB + ":" + AuthFixture.BOB_PASSWORD, ref,
                "oci:" + out + ":v1"));
        assertThat(OciLayout.taggedManifest(out, "v1")).isEqualTo(image.manifestDigest());
        for (Map.Entry<Digest, byte[]> b : image.blobs().entrySet()) {
            assertThat(OciLayout.readBlob(out, b.getKey())).as(b.getKey().toString()).isEqualTo(b.getValue());
        }

        ExternalTool.Result noCreds = ExternalTool.run(work, 60, List.of(skopeo.toString(), "list-tags",
                "--tls-verify=false", "docker://" + hostPort() + "/team/app"));
        assertThat(noCreds.exit()).as(noCreds.output()).isNotZero();
        String tags = ExternalTool.check(work, 60, List.of(skopeo.toString(), "list-tags", "--tls-verify=false",
                "--creds", AuthFixture.ALICE + ":" + AuthFixture.ALICE_PASSWORD,
                "docker://" + hostPort() + "/team/app"));
        assertThat(RegistryJson.mapper().readTree(tags).path("Tags").toString()).isEqualTo("[\"v1\"]");
    }

    private static List<String> with(List<String> command, int at, String... more) {
        List<String> c = new java.util.ArrayList<>(command);
        c.addAll(at, List.of(more));
        return c;
    }
}
