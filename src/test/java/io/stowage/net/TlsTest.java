package io.stowage.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import io.stowage.content.Writer;
import io.stowage.content.local.LocalContentStore;
import io.stowage.content.remote.RemoteContentStore;
import io.stowage.content.remote.RemoteOptions;
import io.stowage.server.ContentRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.ServerSecurity;
import io.stowage.server.ServerTls;
import io.stowage.server.StowageServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * The server speaks TLS with a certificate and key from PEM files; the remote store checks it against a given CA
 * (write sessions over wss included), refuses a server its trust does not cover, and a plain-http client of the
 * TLS port gets a clear transport error while the server goes on serving.
 */
class TlsTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private TestPki.Files3 pki;
    private LocalContentStore store;
    private StowageServer server;

    @BeforeEach
    void start() {
        pki = TestPki.create(dir.resolve("pki"));
        store = LocalContentStore.open(dir.resolve("store"));
        ServerOptions opts = ServerOptions.defaults().withPort(0);
        server = StowageServer.start(opts, List.of(ContentRoutes.of(store, opts)),
                new ServerSecurity(new ServerTls(pki.serverCertificate(), pki.serverKey()), null));
    }

    @AfterEach
    void stop() {
        server.disposeNow(T);
        store.close();
    }

    @Test
    void theRemoteStoreWritesAndReadsOverTlsCheckedAgainstTheCa() {
        assertThat(server.uri().getScheme()).isEqualTo("https");
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        Digest digest = Digest.of(Digest.SHA256, data);
        try (ContentStore remote = RemoteContentStore.connect(server.uri(), RemoteOptions.defaults(),
                ClientSecurity.none().withCaCertificate(pki.caCertificate()))) {
            Writer w = remote.writer("tls-1", data.length, digest).block(T);
            w.write(Flux.just(ByteBuffer.wrap(data))).block(T);
            Info info = w.commit(data.length, digest, Map.of("k", "v")).block(T);
            assertThat(info.digest()).isEqualTo(digest);
            byte[] back = remote.read(digest, 0, -1).reduce(new java.io.ByteArrayOutputStream(), (out, b) -> {
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.writeBytes(chunk);
                return out;
            }).block(T).toByteArray();
            assertThat(back).isEqualTo(data);
        }
        assertThat(store.info(digest).block(T).labels()).containsEntry("k", "v");
    }

    @Test
    void aClientWithoutTheCaIsRefusedWithAClearError() {
        try (ContentStore remote = RemoteContentStore.connect(server.uri())) {
            Throwable e = catchThrowable(() -> remote.listStatuses().collectList().block(T));
            assertThat(e).isInstanceOf(ContentException.class);
            assertThat(((ContentException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e).hasMessageContaining("not signed by a trusted CA");
        }
        TestPki.Files3 other = TestPki.create(dir.resolve("other"));
        try (ContentStore remote = RemoteContentStore.connect(server.uri(), RemoteOptions.defaults(),
                ClientSecurity.none().withCaCertificate(other.caCertificate()))) {
            Throwable e = catchThrowable(() -> remote.writer("refused", 0, null).block(T));
            assertThat(e).isInstanceOf(ContentException.class).hasMessageContaining("not signed by a trusted CA");
        }
    }

    @Test
    void plainHttpToTheTlsPortFailsCleanlyAndTheServerGoesOn() {
        URI plain = URI.create("http://127.0.0.1:" + server.address().getPort());
        try (ContentStore remote = RemoteContentStore.connect(plain)) {
            Throwable e = catchThrowable(() -> remote.listStatuses().collectList().block(T));
            assertThat(e).isInstanceOf(ContentException.class);
            assertThat(((ContentException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e).hasMessageContaining("https");
        }
        try (ContentStore remote = RemoteContentStore.connect(server.uri(), RemoteOptions.defaults(),
                ClientSecurity.none().withCaCertificate(pki.caCertificate()))) {
            assertThat(remote.listStatuses().collectList().block(T)).isEmpty();
        }
    }

    @Test
    void aBadCaFileIsAnInvalidArgument() {
        Throwable e = catchThrowable(() -> RemoteContentStore.connect(server.uri(), RemoteOptions.defaults(),
                ClientSecurity.none().withCaCertificate(dir.resolve("missing.pem"))));
        assertThat(e).isInstanceOf(ContentException.class).hasMessageContaining("missing.pem");
        assertThat(((ContentException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void aKeyThatIsNotPemIsRefusedNamingTheFile() {
        Throwable e = catchThrowable(() -> new ServerTls(pki.serverCertificate(), pki.caCertificate()).sslContext());
        assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ca.pem");
    }
}
