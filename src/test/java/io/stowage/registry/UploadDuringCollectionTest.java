package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.DelegatingStore;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Writer;
import io.stowage.gc.GarbageCollector;
import io.stowage.gc.GcOptions;
import io.stowage.gc.GcReport;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Uploads that find their blob stored already (unreferenced: garbage) while a garbage collection runs. The served
 * store runs a whole collection at the worst moment: right after it refused a writer because the blob exists, before
 * the registry answers. The upload must still succeed with its blob kept, since the client was told it is there.
 * A second unreferenced blob shows that the collection did sweep.
 */
class UploadDuringCollectionTest extends RegistryTestBase {
    final List<GcReport> collections = new CopyOnWriteArrayList<>();

    /**
     * The ingest ref whose next writer with an expected digest first runs {@link #beforeWriter} (whose exception
     * fails the writer); null: none.
     */
    final AtomicReference<String> intercepted = new AtomicReference<>();
    volatile Runnable beforeWriter;

    @Override
    ContentStore served() {
        return new DelegatingStore(store) {
            @Override
            public Mono<Writer> writer(String ref, long total, Digest expected) {
                String target = intercepted.get();
                Mono<Void> before = expected != null && ref.equals(target) && intercepted.compareAndSet(target, null)
                        ? Mono.fromRunnable(beforeWriter).subscribeOn(Schedulers.boundedElastic()).then()
                        : Mono.empty();
                return before.then(d.writer(ref, total, expected))
                        .onErrorResume(e -> ContentException.is(e, ErrorCode.ALREADY_EXISTS), e -> collect()
                                .then(Mono.error(e)));
            }
        };
    }

    GarbageCollector gc;

    @BeforeEach
    void openCollector() {
        gc = GarbageCollector.local(store, db, GcOptions.defaults());
    }

    private Mono<Void> collect() {
        return Mono.defer(() -> gc.collect(false)).doOnNext(collections::add).then();
    }

    @Test
    void aMonolithicUploadOfAStoredUnreferencedBlobKeepsItThroughACollection() {
        byte[] data = random(5000, 1);
        Digest d = storeDirectly(data);
        Digest other = storeDirectly(random(3000, 2));

        Resp r = call(HttpMethod.POST, "/v2/gc/mono/blobs/uploads/?digest=" + d, data,
                Map.of("Content-Type", "application/octet-stream"));

        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertSweptOnlyOther(d, other);
        assertThat(call(HttpMethod.GET, "/v2/gc/mono/blobs/" + d).body()).isEqualTo(data);
    }

    @Test
    void aChunkedUploadOfAStoredUnreferencedBlobKeepsItThroughACollection() {
        byte[] data = random(9000, 3);
        Digest d = storeDirectly(data);
        Digest other = storeDirectly(random(3000, 4));
        Resp started = call(HttpMethod.POST, "/v2/gc/chunked/blobs/uploads/");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        String location = started.header("Location");
        Resp patched = call(HttpMethod.PATCH, location, data, Map.of("Content-Type", "application/octet-stream"));
        assertThat(patched.status()).as(patched.text()).isEqualTo(202);

        Resp r = call(HttpMethod.PUT, location + "?digest=" + d);

        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertSweptOnlyOther(d, other);
        assertThat(call(HttpMethod.GET, "/v2/gc/chunked/blobs/" + d).body()).isEqualTo(data);
    }

    @Test
    void aFailedCompletionTakesBackTheLinkAndTheRepositoryItMade() {
        byte[] data = random(2000, 5);
        Digest wrong = Digest.sha256(random(10, 6));

        Resp r = call(HttpMethod.POST, "/v2/gc/failed/blobs/uploads/?digest=" + wrong, data,
                Map.of("Content-Type", "application/octet-stream"));

        assertError(r, 400, "DIGEST_INVALID");
        assertError(call(HttpMethod.GET, "/v2/gc/failed/tags/list"), 404, "NAME_UNKNOWN");
        // a repository that existed keeps existing, and keeps its links
        Digest kept = pushBlob("gc/failed", data);
        assertError(call(HttpMethod.POST, "/v2/gc/failed/blobs/uploads/?digest=" + wrong, data,
                Map.of("Content-Type", "application/octet-stream")), 400, "DIGEST_INVALID");
        assertThat(call(HttpMethod.GET, "/v2/gc/failed/tags/list").status()).isEqualTo(200);
        assertThat(call(HttpMethod.HEAD, "/v2/gc/failed/blobs/" + kept).status()).isEqualTo(200);
        assertThat(call(HttpMethod.HEAD, "/v2/gc/failed/blobs/" + wrong).status()).isEqualTo(404);
    }

    @Test
    void aFailedUploadDoesNotTakeAwayTheLinkOfAnUploadOfTheSameBlobThatSucceededMeanwhile() {
        byte[] good = random(4000, 7);
        Digest d = Digest.sha256(good);
        Resp started = call(HttpMethod.POST, "/v2/gc/both/blobs/uploads/");
        String location = started.header("Location");
        String id = started.header(Exchange.UPLOAD_UUID);
        assertThat(call(HttpMethod.PATCH, location, random(4000, 8)).status()).isEqualTo(202);
        // while the failing upload holds the link (it made it), another upload of the blob succeeds
        AtomicReference<Resp> other = new AtomicReference<>();
        beforeWriter = () -> {
            other.set(call(HttpMethod.POST, "/v2/gc/both/blobs/uploads/?digest=" + d, good,
                    Map.of("Content-Type", "application/octet-stream")));
            throw ContentException.invalidArgument("injected: the store refuses this completion");
        };
        intercepted.set(UploadHandlers.ref(id));

        Resp failed = call(HttpMethod.PUT, location + "?digest=" + d);

        assertThat(other.get().status()).as(other.get().text()).isEqualTo(201);
        assertThat(failed.status()).as("an injected store failure: %s", failed.text()).isEqualTo(500);
        assertThat(call(HttpMethod.HEAD, "/v2/gc/both/blobs/" + d).status()).isEqualTo(200);
        assertThat(call(HttpMethod.GET, "/v2/gc/both/blobs/" + d).body()).isEqualTo(good);
        gc.collect(false).block(T);
        assertThat(call(HttpMethod.GET, "/v2/gc/both/blobs/" + d).body()).as("after a collection").isEqualTo(good);
    }

    private void assertSweptOnlyOther(Digest kept, Digest other) {
        assertThat(collections).as("collections run while the upload completed").hasSize(1);
        assertThat(collections.get(0).removed()).containsExactly(other);
        assertThat(store.info(kept).block(T).digest()).isEqualTo(kept);
    }

    private Digest storeDirectly(byte[] data) {
        Digest d = Digest.sha256(data);
        store.writer("direct-" + d.hex(), data.length, d)
                .flatMap(w -> w.write(0, Mono.just(ByteBuffer.wrap(data)))
                        .then(w.commit(data.length, d, Map.of()))
                        .then(w.close()))
                .block(T);
        return d;
    }
}
