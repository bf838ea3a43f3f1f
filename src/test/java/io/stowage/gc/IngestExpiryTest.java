package io.stowage.gc;

import static io.stowage.gc.GcFixture.T;
import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import io.stowage.content.Ingester;
import io.stowage.content.Writer;
import io.stowage.content.remote.RemoteContentStore;
import io.stowage.server.ContentRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.StowageServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * A per-ingest expiry set when opening the writer (locally and over the wire) replaces the collector's default
 * for that ingest, survives a resume and a reopened store, and is reported in the status.
 */
class IngestExpiryTest {
    @TempDir
    Path root;
    GcFixture f;
    StowageServer server;
    RemoteContentStore remote;

    @AfterEach
    void close() {
        if (remote != null) {
            remote.close();
        }
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
        if (f != null) {
            f.close();
        }
    }

    /** A collector whose clock is {@code ahead} in the future, with the default 24 h ingest expiry. */
    private GarbageCollector collectorAhead(Duration ahead) {
        Clock later = Clock.fixed(Instant.now().plus(ahead), ZoneOffset.UTC);
        return GarbageCollector.local(f.store, f.db, new GcOptions(Duration.ofHours(24), Duration.ofMinutes(10),
                later));
    }

    private static void writeAndClose(Ingester store, String ref, Duration expiry) {
        Writer w = store.expiringWriter(ref, 0, null, expiry).block(T);
        w.write(0, Flux.just(ByteBuffer.wrap(new byte[] {1, 2, 3}))).then(w.close()).block(T);
    }

    @Test
    void anIngestsOwnExpiryIsUsedInsteadOfTheDefault() {
        f = new GcFixture(root, GcOptions.defaults());
        writeAndClose(f.store, "short", Duration.ofHours(1));
        writeAndClose(f.store, "long", Duration.ofDays(3));
        writeAndClose(f.store, "default", null);
        // resuming without an expiry keeps the stored one
        f.store.writer("short", 0, null).flatMap(Writer::close).block(T);
        assertThat(f.store.status("short").block(T).expiry()).isEqualTo(Duration.ofHours(1));
        assertThat(f.store.status("default").block(T).expiry()).isNull();

        assertThat(collectorAhead(Duration.ofHours(2)).collect(false).block(T).ingestsAborted())
                .containsExactly("short");
        assertThat(collectorAhead(Duration.ofHours(25)).collect(false).block(T).ingestsAborted())
                .containsExactly("default");
        assertThat(f.store.status("long").block(T).offset()).isEqualTo(3);
        assertThat(collectorAhead(Duration.ofDays(4)).collect(false).block(T).ingestsAborted())
                .containsExactly("long");
    }

    @Test
    void theExpiryIsKeptWithTheIngestOnDisk() {
        f = new GcFixture(root, GcOptions.defaults());
        writeAndClose(f.store, "kept", Duration.ofMinutes(5));
        f.close();
        f = new GcFixture(root, GcOptions.defaults());
        assertThat(f.store.listStatuses().collectList().block(T))
                .singleElement().satisfies(st -> assertThat(st.expiry()).isEqualTo(Duration.ofMinutes(5)));
    }

    @Test
    void overTheWireTheExpiryTravelsWithTheWriteSessionAndTheStatus() {
        f = new GcFixture(root, GcOptions.defaults());
        server = StowageServer.start(ServerOptions.defaults().withPort(0), List.of(ContentRoutes.of(f.store)));
        remote = RemoteContentStore.connect(server.uri());
        writeAndClose(remote, "remote", Duration.ofMinutes(90));
        // the server ends its side of the session after the client's close returns
        f.store.whenUnlocked("remote").block(T);

        assertThat(f.store.status("remote").block(T).expiry()).isEqualTo(Duration.ofMinutes(90));
        assertThat(remote.status("remote").block(T).expiry()).isEqualTo(Duration.ofMinutes(90));
        assertThat(collectorAhead(Duration.ofHours(2)).collect(false).block(T).ingestsAborted())
                .containsExactly("remote");

        StepVerifier.create(remote.expiringWriter("bad", 0, null, Duration.ZERO))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.INVALID_ARGUMENT)).isTrue())
                .verify(Duration.ofSeconds(30));
    }
}
