package io.stowage.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.local.LocalContentStore;
import io.stowage.images.Image;
import io.stowage.metadata.MetadataDb;
import io.stowage.registry.RegistryOptions;
import io.stowage.registry.RegistryRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.StowageServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;

/** Push and pull against stowage's own registry API ({@code /v2/} of a StowageServer), including resumes. */
class StowageRegistryTest {
    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    MetadataDb registryDb;
    LocalContentStore registryStore;
    StowageServer server;
    LocalContentStore source;
    LocalContentStore target;

    @BeforeEach
    void start() {
        registryDb = MetadataDb.open(tmp.resolve("registry/metadata.db"));
        registryStore = LocalContentStore.open(tmp.resolve("registry"), Schedulers.boundedElastic(), registryDb);
        server = StowageServer.start(ServerOptions.defaults().withPort(0),
                List.of(RegistryRoutes.of(registryStore, registryDb, RegistryOptions.defaults())));
        source = LocalContentStore.open(tmp.resolve("source"));
        target = LocalContentStore.open(tmp.resolve("target"));
    }

    @AfterEach
    void stop() {
        server.disposeNow(T);
        registryStore.close();
        registryDb.close();
        source.close();
        target.close();
    }

    TransferOptions options() {
        return TransferOptions.defaults().withPlainHttp(true).withChunkSize(200_000)
                .withRetries(5, Duration.ofMillis(10), Duration.ofMillis(200)).withAllPlatforms();
    }

    @Test
    void pushThenPullEveryPlatformThroughCutsAndEveryBlobVerifies() {
        TestImages.Built built = TestImages.index(source, 21, List.of(Platform.current(), RegistryTestBase.OTHER),
                1 << 20, 300_000);
        int port = server.address().getPort();
        Reference ref = Reference.parse("127.0.0.1:" + port + "/stowage/app:v1");
        try (Pusher pusher = Pusher.create(source, options())) {
            pusher.push(ref, built.root()).block(T);
        }

        try (TcpFaultProxy proxy = new TcpFaultProxy(port, TcpFaultProxy.Mode.CUT, 250_000, 4);
             Puller puller = Puller.create(target, null, options())) {
            Image image = puller.pull(RegistryTestBase.via(proxy.host(), ref)).block(T);
            assertThat(image.target().digest()).isEqualTo(built.root().digest());
            assertThat(proxy.faults()).isEqualTo(4);
            assertThat(proxy.downstreamBytes()).isLessThan(RegistryTestBase.size(built) * 3 / 2);
        }
        for (Descriptor d : built.all()) {
            Digest got = RegistryTestBase.sha256(target, d.digest());
            assertThat(got).isEqualTo(d.digest());
        }
    }
}
