package io.stowage.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.stowage.auth.AuthFilter;
import io.stowage.auth.AuthFixture;
import io.stowage.content.Descriptor;
import io.stowage.content.local.LocalContentStore;
import io.stowage.images.Image;
import io.stowage.metadata.MetadataDb;
import io.stowage.net.TestPki;
import io.stowage.registry.RegistryOptions;
import io.stowage.registry.RegistryRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.ServerSecurity;
import io.stowage.server.ServerTls;
import io.stowage.server.StowageServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;

/**
 * The transfer clients against stowage's own registry over https with authentication: the pusher and puller
 * check the certificate against the test CA, follow the Bearer challenge to {@code /v2/token} with basic
 * credentials, and are refused what the principal may not do.
 */
class AuthenticatedRegistryTest {
    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private MetadataDb registryDb;
    private LocalContentStore registryStore;
    private AuthFilter auth;
    private StowageServer server;
    private LocalContentStore source;
    private LocalContentStore target;
    private TestPki.Files3 pki;

    @BeforeEach
    void start() {
        pki = TestPki.create(tmp.resolve("pki"));
        registryDb = MetadataDb.open(tmp.resolve("registry/metadata.db"));
        registryStore = LocalContentStore.open(tmp.resolve("registry"), Schedulers.boundedElastic(), registryDb);
        auth = AuthFilter.of(AuthFixture.config(tmp.resolve("auth")), true);
        server = StowageServer.start(ServerOptions.defaults().withPort(0),
                List.of(RegistryRoutes.of(registryStore, registryDb, RegistryOptions.defaults())),
                new ServerSecurity(new ServerTls(pki.serverCertificate(), pki.serverKey()), auth));
        source = LocalContentStore.open(tmp.resolve("source"));
        target = LocalContentStore.open(tmp.resolve("target"));
    }

    @AfterEach
    void stop() {
        server.disposeNow(T);
        auth.close();
        registryStore.close();
        registryDb.close();
        source.close();
        target.close();
    }

    private TransferOptions options(Credentials credentials) {
        return TransferOptions.defaults().withCaCertificate(pki.caCertificate()).withCredentials(credentials)
                .withChunkSize(200_000).withRetries(2, Duration.ofMillis(10), Duration.ofMillis(100));
    }

    @Test
    void pushWithReadWriteAndPullWithReadOverHttpsThroughTheTokenFlow() {
        TestImages.Built built = TestImages.manifest(source, 5, Platform.current(), 700_000, 300_000);
        Reference ref = Reference.parse("127.0.0.1:" + server.address().getPort() + "/team/app:v1");

        Throwable anonymous = catchThrowable(() -> {
            try (Pusher p = Pusher.create(source, options(Credentials.anonymous()))) {
                p.push(ref, built.root()).block(T);
            }
        });
        assertThat(anonymous).isNotNull();
        Throwable readOnly = catchThrowable(() -> {
            try (Pusher p = Pusher.create(source, options(Credentials.of(AuthFixture.BOB, AuthFixture.BOB_PASSWORD)))) {
                p.push(ref, built.root()).block(T);
            }
        });
        assertThat(readOnly).isNotNull();
        assertThat(readOnly.toString()).containsAnyOf("DENIED", "403", "denied");

        try (Pusher p = Pusher.create(source, options(Credentials.of(AuthFixture.ALICE, AuthFixture.ALICE_PASSWORD)))) {
            p.push(ref, built.root()).block(T);
        }
        try (Puller p = Puller.create(target, null,
                options(Credentials.of(AuthFixture.BOB, AuthFixture.BOB_PASSWORD)))) {
            Image image = p.pull(ref).block(T);
            assertThat(image.target().digest()).isEqualTo(built.root().digest());
        }
        for (Descriptor d : built.all()) {
            assertThat(RegistryTestBase.sha256(target, d.digest())).isEqualTo(d.digest());
        }
    }

    @Test
    void aRegistryCertificateFromAnotherCaIsRefused() {
        TestImages.Built built = TestImages.manifest(source, 6, Platform.current(), 1000);
        Reference ref = Reference.parse("127.0.0.1:" + server.address().getPort() + "/team/app:v2");
        TestPki.Files3 other = TestPki.create(tmp.resolve("other"));
        Throwable e = catchThrowable(() -> {
            try (Pusher p = Pusher.create(source, options(Credentials.of(AuthFixture.ALICE, AuthFixture.ALICE_PASSWORD))
                    .withCaCertificate(other.caCertificate()))) {
                p.push(ref, built.root()).block(T);
            }
        });
        assertThat(e).isInstanceOf(io.stowage.content.ContentException.class)
                .hasMessageContaining("registry 127.0.0.1:" + server.address().getPort())
                .hasMessageContaining("not signed by a trusted CA");
    }
}
