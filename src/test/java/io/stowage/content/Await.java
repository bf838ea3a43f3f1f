package io.stowage.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Waits, on the test thread, for what a store returns; every wait is bounded by {@link #TIMEOUT}. */
final class Await {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Await() {
    }

    static <T> T await(Mono<T> mono) {
        return mono.block(TIMEOUT);
    }

    static <T> List<T> awaitAll(Flux<T> flux) {
        return flux.collectList().block(TIMEOUT);
    }

    /** All bytes of a stream, in order. */
    static byte[] bytes(Flux<ByteBuffer> stream) {
        return stream.reduce(new ByteArrayOutputStream(), (out, buf) -> {
            byte[] b = new byte[buf.remaining()];
            buf.get(b);
            out.write(b, 0, b.length);
            return out;
        }).map(ByteArrayOutputStream::toByteArray).defaultIfEmpty(new byte[0]).block(TIMEOUT);
    }

    /** The sha256 of a stream and its length, hashed as it arrives (for blobs too large to collect). */
    static Digested digested(Flux<ByteBuffer> stream) {
        MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
        long size = stream.map(buf -> {
            int n = buf.remaining();
            md.update(buf);
            return (long) n;
        }).reduce(0L, Long::sum).block(TIMEOUT);
        return new Digested(Digest.fromBytes(Digest.SHA256, md.digest()), size);
    }

    record Digested(Digest digest, long size) {
    }

    /**
     * Asserts that {@code publisher} fails, before emitting anything, with a ContentException of {@code code},
     * and returns that exception for further checks.
     */
    static ContentException awaitError(Publisher<?> publisher, ErrorCode code) {
        AtomicReference<ContentException> seen = new AtomicReference<>();
        StepVerifier.create(publisher)
                .expectErrorSatisfies(e -> {
                    assertThat(e).as("error").isInstanceOf(ContentException.class);
                    assertThat(((ContentException) e).code()).as("error code of %s", e).isEqualTo(code);
                    seen.set((ContentException) e);
                })
                .verify(TIMEOUT);
        return seen.get();
    }
}
