package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.Digest;
import io.stowage.content.Status;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Upload sessions: each one an ingest of the store. */
class UploadRoutesTest extends RegistryTestBase {
    private final byte[] data = random(200_000, 2);
    private final Digest digest = Digest.sha256(data);

    @Override
    RegistryOptions options() {
        return RegistryOptions.defaults().withLockWait(Duration.ofMillis(200));
    }

    /** Starts a session and returns its Location. */
    private String startSession(String name) {
        Resp r = call(HttpMethod.POST, "/v2/" + name + "/blobs/uploads/", null, Map.of("Content-Length", "0"));
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        assertThat(r.header("Range")).isEqualTo("0-0");
        assertThat(r.header("Docker-Upload-UUID")).isNotEmpty();
        assertThat(r.header("Location")).isEqualTo("/v2/" + name + "/blobs/uploads/" + r.header("Docker-Upload-UUID"));
        return r.header("Location");
    }

    private static String id(String location) {
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private Resp patch(String location, byte[] body, String contentRange) {
        return call(HttpMethod.PATCH, location, body, contentRange == null
                ? Map.of("Content-Type", "application/octet-stream")
                : Map.of("Content-Type", "application/octet-stream", "Content-Range", contentRange));
    }

    private byte[] slice(int from, int to) {
        return Arrays.copyOfRange(data, from, to);
    }

    @Test
    void aSessionIsAnIngestOfTheStoreFromTheStart() {
        String location = startSession("app");
        Status st = store.status(UploadHandlers.ref(id(location))).block(T);
        assertThat(st.offset()).isZero();
        assertThat(store.listStatuses().map(Status::ref).collectList().block(T))
                .containsExactly("registry-upload-" + id(location));
    }

    @Test
    void chunkedUploadWithContentRange() {
        String location = startSession("lib/app");
        Resp first = patch(location, slice(0, 70_000), "0-69999");
        assertThat(first.status()).isEqualTo(202);
        assertThat(first.header("Range")).isEqualTo("0-69999");
        assertThat(first.header("Location")).isEqualTo(location);
        assertThat(store.status(UploadHandlers.ref(id(location))).block(T).offset()).isEqualTo(70_000);

        Resp second = patch(first.header("Location"), slice(70_000, 150_000), "70000-149999");
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.header("Range")).isEqualTo("0-149999");

        Resp status = call(HttpMethod.GET, location);
        assertThat(status.status()).isEqualTo(204);
        assertThat(status.header("Range")).isEqualTo("0-149999");
        assertThat(status.header("Location")).isEqualTo(location);
        assertThat(status.header("Docker-Upload-UUID")).isEqualTo(id(location));

        // the final chunk in the closing PUT
        Resp done = call(HttpMethod.PUT, location + "?digest=" + digest, slice(150_000, data.length),
                Map.of("Content-Range", "150000-199999", "Content-Type", "application/octet-stream"));
        assertThat(done.status()).as(done.text()).isEqualTo(201);
        assertThat(done.header("Location")).isEqualTo("/v2/lib/app/blobs/" + digest);
        assertThat(done.header("Docker-Content-Digest")).isEqualTo(digest.toString());

        assertThat(call(HttpMethod.GET, "/v2/lib/app/blobs/" + digest).body()).isEqualTo(data);
        assertThat(store.info(digest).block(T).size()).isEqualTo(data.length);
        assertThat(store.listStatuses().collectList().block(T)).isEmpty();
        assertError(call(HttpMethod.GET, location), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void streamedPatchWithoutContentRangeAppends() {
        String location = startSession("app");
        assertThat(patch(location, slice(0, 1000), null).header("Range")).isEqualTo("0-999");
        assertThat(patch(location, slice(1000, data.length), null).header("Range")).isEqualTo("0-199999");
        Resp done = call(HttpMethod.PUT, location + "?digest=" + digest);
        assertThat(done.status()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/v2/app/blobs/" + digest).body()).isEqualTo(data);
    }

    @Test
    void chunkedTransferEncodingBodiesAreStreamed() {
        String location = startSession("app");
        Flux<ByteBuf> body = Flux.range(0, 20).map(i -> Unpooled.wrappedBuffer(slice(i * 10_000, (i + 1) * 10_000)));
        int status = client.headers(h -> h.set("Transfer-Encoding", "chunked"))
                .patch().uri(location).send(body)
                .responseSingle((r, b) -> b.then(Mono.just(r.status().code()))).block(T);
        assertThat(status).isEqualTo(202);
        assertThat(call(HttpMethod.PUT, location + "?digest=" + digest).status()).isEqualTo(201);
    }

    @Test
    void outOfOrderChunkIs416WithTheCurrentRange() {
        String location = startSession("app");
        patch(location, slice(0, 1000), "0-999");
        Resp gap = patch(location, slice(2000, 3000), "2000-2999");
        assertError(gap, 416, "RANGE_INVALID");
        assertThat(gap.header("Range")).isEqualTo("0-999");
        assertThat(gap.header("Location")).isEqualTo(location);
        Resp overlap = patch(location, slice(500, 1500), "500-1499");
        assertError(overlap, 416, "RANGE_INVALID");
        assertThat(store.status(UploadHandlers.ref(id(location))).block(T).offset()).isEqualTo(1000);
    }

    @Test
    void aChunkAtZeroOnASessionWithDataResetsIt() {
        String location = startSession("app");
        patch(location, random(5000, 99), "0-4999");
        Resp restart = patch(location, slice(0, 100_000), "0-99999");
        assertThat(restart.status()).isEqualTo(202);
        assertThat(restart.header("Range")).isEqualTo("0-99999");
        patch(location, slice(100_000, data.length), "100000-199999");
        assertThat(call(HttpMethod.PUT, location + "?digest=" + digest).status()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/v2/app/blobs/" + digest).body()).isEqualTo(data);
    }

    @Test
    void malformedOrInconsistentRangesAreRejected() {
        String location = startSession("app");
        assertError(patch(location, slice(0, 10), "abc"), 400, "BLOB_UPLOAD_INVALID");
        assertError(patch(location, slice(0, 10), "9-0"), 400, "BLOB_UPLOAD_INVALID");
        assertError(patch(location, slice(0, 10), "-1-9"), 400, "BLOB_UPLOAD_INVALID");
        assertError(patch(location, slice(0, 10), "0-99999999999999999999"), 400, "BLOB_UPLOAD_INVALID");
        assertError(patch(location, slice(0, 10), "0-19"), 400, "SIZE_INVALID");
        assertThat(patch(location, slice(0, 10), "bytes 0-9/*").status()).isEqualTo(202);
        assertThat(store.status(UploadHandlers.ref(id(location))).block(T).offset()).isEqualTo(10);
    }

    @Test
    void aWrongDigestOnPutIsDigestInvalidAndTheSessionStaysResumable() {
        String location = startSession("app");
        patch(location, data, null);
        Digest wrong = Digest.sha256(new byte[] {1});
        assertError(call(HttpMethod.PUT, location + "?digest=" + wrong), 400, "DIGEST_INVALID");
        assertThat(store.status(UploadHandlers.ref(id(location))).block(T).offset()).isEqualTo(data.length);
        assertThat(call(HttpMethod.PUT, location + "?digest=" + digest).status()).isEqualTo(201);
    }

    @Test
    void putNeedsAValidDigest() {
        String location = startSession("app");
        assertError(call(HttpMethod.PUT, location), 400, "DIGEST_INVALID");
        assertError(call(HttpMethod.PUT, location + "?digest=sha256:xyz"), 400, "DIGEST_INVALID");
        assertError(call(HttpMethod.PUT, location + "?digest=crc32:00"), 400, "DIGEST_INVALID");
    }

    @Test
    void sha512UploadsWork() {
        Digest d512 = Digest.of(Digest.SHA512, data);
        String location = startSession("app");
        patch(location, data, null);
        Resp done = call(HttpMethod.PUT, location + "?digest=" + d512);
        assertThat(done.status()).as(done.text()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/v2/app/blobs/" + d512).body()).isEqualTo(data);
    }

    @Test
    void cancelAbortsTheIngest() {
        String location = startSession("app");
        patch(location, slice(0, 1000), null);
        assertThat(call(HttpMethod.DELETE, location).status()).isEqualTo(204);
        assertThat(store.listStatuses().collectList().block(T)).isEmpty();
        assertError(call(HttpMethod.DELETE, location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(patch(location, slice(0, 10), null), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void anIngestAbortedThroughTheStoreEndsTheSession() {
        String location = startSession("app");
        store.abort(UploadHandlers.ref(id(location))).block(T);
        assertError(patch(location, slice(0, 10), null), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(call(HttpMethod.GET, location), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void unknownSessionsAndSessionsOfOtherRepositoriesAreUnknown() {
        String location = startSession("one");
        String id = id(location);
        assertError(call(HttpMethod.GET, "/v2/two/blobs/uploads/" + id), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(patch("/v2/two/blobs/uploads/" + id, slice(0, 10), null), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(call(HttpMethod.GET, "/v2/one/blobs/uploads/not-a-uuid"), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(call(HttpMethod.GET, "/v2/one/blobs/uploads/00000000-0000-0000-0000-000000000000"), 404,
                "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void monolithicPost() {
        Resp r = call(HttpMethod.POST, "/v2/app/blobs/uploads/?digest=" + digest, data);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Location")).isEqualTo("/v2/app/blobs/" + digest);
        assertThat(r.header("Docker-Content-Digest")).isEqualTo(digest.toString());
        // again: the content exists already; the repository gets its link all the same
        assertThat(call(HttpMethod.POST, "/v2/other/blobs/uploads/?digest=" + digest, data).status()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/v2/other/blobs/" + digest).body()).isEqualTo(data);
        assertThat(store.listStatuses().collectList().block(T)).isEmpty();
    }

    @Test
    void monolithicPostWithTheWrongDigestLeavesNothing() {
        Digest wrong = Digest.sha256(new byte[] {1});
        assertError(call(HttpMethod.POST, "/v2/app/blobs/uploads/?digest=" + wrong, data), 400, "DIGEST_INVALID");
        assertError(call(HttpMethod.POST, "/v2/app/blobs/uploads/?digest=sha256:zz", data), 400, "DIGEST_INVALID");
        assertThat(store.listStatuses().collectList().block(T)).isEmpty();
        assertError(call(HttpMethod.GET, "/v2/app/blobs/" + wrong), 404, "BLOB_UNKNOWN");
    }

    @Test
    void mountLinksWithoutCopying() {
        pushBlob("source/repo", data);
        Resp r = call(HttpMethod.POST, "/v2/target/blobs/uploads/?mount=" + digest + "&from=source/repo");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Location")).isEqualTo("/v2/target/blobs/" + digest);
        assertThat(r.header("Docker-Content-Digest")).isEqualTo(digest.toString());
        assertThat(store.listStatuses().collectList().block(T)).isEmpty();
        assertThat(call(HttpMethod.GET, "/v2/target/blobs/" + digest).body()).isEqualTo(data);
    }

    @Test
    void mountFromARepositoryWithoutTheBlobStartsASession() {
        pushBlob("source", data);
        Resp r = call(HttpMethod.POST, "/v2/target/blobs/uploads/?mount=" + digest + "&from=elsewhere");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.header("Location")).startsWith("/v2/target/blobs/uploads/");
        Resp noFrom = call(HttpMethod.POST, "/v2/target/blobs/uploads/?mount=" + digest);
        assertThat(noFrom.status()).isEqualTo(202);
        assertError(call(HttpMethod.GET, "/v2/target/blobs/" + digest), 404, "BLOB_UNKNOWN");
        assertError(call(HttpMethod.POST, "/v2/target/blobs/uploads/?mount=bad&from=source"), 400, "DIGEST_INVALID");
        assertError(call(HttpMethod.POST, "/v2/target/blobs/uploads/?mount=" + digest + "&from=Bad"), 400,
                "NAME_INVALID");
    }

    @Test
    void anUploadShowsInTheStoreWhileItStreamsAndABusySessionIsTooManyRequests() {
        String location = startSession("app");
        String ref = UploadHandlers.ref(id(location));
        Sinks.Empty<Void> release = Sinks.empty();
        Flux<ByteBuf> body = Flux.concat(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(slice(0, 50_000))),
                release.asMono().then(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(slice(50_000, data.length)))));
        Mono<Integer> slow = client.headers(h -> h.set("Content-Length", Integer.toString(data.length)))
                .patch().uri(location).send(body)
                .responseSingle((r, b) -> b.then(Mono.just(r.status().code())))
                .cache();
        slow.subscribe();
        // poll the store until the first half has landed
        Status during = Mono.defer(() -> store.status(ref))
                .filter(st -> st.offset() == 50_000)
                .repeatWhenEmpty(r -> r.delayElements(Duration.ofMillis(10)))
                .block(T);
        assertThat(during.offset()).isEqualTo(50_000);
        List<String> refs = store.listStatuses().map(Status::ref).collectList().block(T);
        assertThat(refs).contains(ref);
        // the lock is held by the streaming request: a second writer waits, then gives up
        Resp busy = patch(location, slice(0, 10), "0-9");
        assertError(busy, 429, "TOOMANYREQUESTS");
        release.tryEmitEmpty();
        assertThat(slow.block(T)).isEqualTo(202);
        assertThat(call(HttpMethod.PUT, location + "?digest=" + digest).status()).isEqualTo(201);
    }

    @Test
    void aBodyCutShortKeepsWhatArrivedAndTheSessionResumesFromTheReportedRange() {
        String location = startSession("app");
        // declares the whole blob, sends half, then the client goes away
        Flux<ByteBuf> half = Flux.just(Unpooled.wrappedBuffer(slice(0, 100_000)));
        client.headers(h -> h.set("Content-Length", Integer.toString(data.length)))
                .patch().uri(location)
                .send(half.concatWith(Mono.delay(Duration.ofMillis(200))
                        .then(Mono.error(new IllegalStateException("client gone")))))
                .responseSingle((r, b) -> b.then(Mono.just(r.status().code())))
                .onErrorResume(e -> Mono.just(-1))
                .block(T);
        // as a client would: ask where the upload stands, send the rest from there (the server may still be
        // finishing the dropped request: 429 while it holds the session, 416 if it moved on meanwhile)
        Resp resumed = Mono.fromCallable(() -> {
                    Resp st = call(HttpMethod.GET, location);
                    assertThat(st.status()).isEqualTo(204);
                    String range = st.header("Range");
                    int from = Integer.parseInt(range.substring(range.indexOf('-') + 1)) + 1;
                    from = range.equals("0-0") ? 0 : from;
                    return patch(location, slice(from, data.length), from + "-" + (data.length - 1));
                })
                .filter(r -> r.status() != 429 && r.status() != 416)
                .repeatWhenEmpty(r -> r.delayElements(Duration.ofMillis(10)))
                .block(T);
        assertThat(resumed.status()).as(resumed.text()).isEqualTo(202);
        assertThat(call(HttpMethod.PUT, location + "?digest=" + digest).status()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/v2/app/blobs/" + digest).body()).isEqualTo(data);
    }
}
