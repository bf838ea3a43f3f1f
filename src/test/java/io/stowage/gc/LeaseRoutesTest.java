package io.stowage.gc;

import static io.stowage.gc.GcFixture.LAYER;
import static io.stowage.gc.GcFixture.T;
import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentException;
import io.stowage.content.Descriptor;
import io.stowage.content.ErrorCode;
import io.stowage.gc.remote.RemoteLeases;
import io.stowage.server.LeaseRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.StowageServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** The lease API over HTTP ({@link LeaseRoutes}, {@link RemoteLeases}): a remote lease protects content from GC. */
class LeaseRoutesTest {
    @TempDir
    Path root;
    GcFixture f;
    StowageServer server;
    RemoteLeases remote;

    @BeforeEach
    void start() {
        f = new GcFixture(root, GcOptions.defaults());
        server = StowageServer.start(ServerOptions.defaults().withPort(0), List.of(LeaseRoutes.of(f.leases)));
        remote = RemoteLeases.connect(server.uri());
    }

    @AfterEach
    void stop() {
        remote.close();
        server.disposeNow(Duration.ofSeconds(10));
        f.close();
    }

    @Test
    void createListResourcesAndDeleteOverTheWire() {
        Lease a = remote.create("pull-1", Map.of("k", "v"), Duration.ofMinutes(10)).block(T);
        assertThat(a.id()).isEqualTo("pull-1");
        assertThat(a.labels()).containsEntry("k", "v");
        assertThat(a.expiresAt()).isNotNull();
        Lease b = remote.create(null, Map.of(), null).block(T);
        assertThat(b.expiresAt()).isNull();
        assertThat(remote.list().map(Lease::id).collectList().block(T)).containsExactlyInAnyOrder("pull-1", b.id());

        LeaseResource ingest = LeaseResource.ingest("some/ref with spaces&x=1");
        remote.addResource("pull-1", ingest).block(T);
        remote.addResource("pull-1", ingest).block(T);
        assertThat(remote.resources("pull-1").collectList().block(T)).containsExactly(ingest);
        remote.deleteResource("pull-1", ingest).block(T);
        assertThat(remote.resources("pull-1").collectList().block(T)).isEmpty();

        remote.delete("pull-1").block(T);
        StepVerifier.create(remote.delete("pull-1"))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.NOT_FOUND)).isTrue())
                .verify(Duration.ofSeconds(30));
        StepVerifier.create(remote.create(b.id(), Map.of(), null))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.ALREADY_EXISTS)).isTrue())
                .verify(Duration.ofSeconds(30));
        StepVerifier.create(remote.addResource("none", ingest))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.NOT_FOUND)).isTrue())
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void contentInARemoteLeaseSurvivesCollectionUntilTheLeaseIsDeleted() {
        Descriptor d = f.put(LAYER, "written by a remote pull", Map.of()).block(T);
        remote.withLease(Duration.ofMinutes(5), lease -> remote.addResource(lease.id(), LeaseResource.content(
                        d.digest()))
                .then(f.gc.collect(false))
                .doOnNext(r -> assertThat(r.removed()).doesNotContain(d.digest())))
                .blockLast(T);
        assertThat(remote.list().collectList().block(T)).isEmpty();
        assertThat(f.gc.collect(false).block(T).removed()).containsExactly(d.digest());
    }
}
