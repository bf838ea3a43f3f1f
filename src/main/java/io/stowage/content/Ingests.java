package io.stowage.content;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Store-independent ways to open writers and write whole blobs, as containerd's content helpers do. They work on
 * any {@link ContentStore}; none of them blocks.
 */
public final class Ingests {
    static final Duration MIN_BACKOFF = Duration.ofMillis(5);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private Ingests() {
    }

    /**
     * Opens the writer of {@code ref}, waiting while another writer holds it. Stores implementing
     * {@link RefLockEvents} wake the caller as soon as the lock is released; for others (such as a remote store
     * shared with other processes) UNAVAILABLE is retried with jittered exponential backoff. It waits until the
     * subscriber cancels; every other error is passed on.
     */
    public static Mono<Writer> openWriter(Ingester store, String ref, long total, Digest expected) {
        return Mono.defer(() -> new Attempt(store, ref, total, expected).next());
    }

    /**
     * As {@link #openWriter(Ingester, String, long, Digest)}, giving up after {@code waitUpTo} with UNAVAILABLE
     * (the message names the wait and the holder's last refusal). A zero or negative wait tries once.
     */
    public static Mono<Writer> openWriter(Ingester store, String ref, long total, Digest expected,
                                          Duration waitUpTo) {
        java.util.Objects.requireNonNull(waitUpTo, "waitUpTo");
        if (waitUpTo.isZero() || waitUpTo.isNegative()) {
            return store.writer(ref, total, expected);
        }
        return Mono.defer(() -> {
            Attempt a = new Attempt(store, ref, total, expected);
            return a.next().timeout(waitUpTo, Mono.error(() -> stillLocked(ref, waitUpTo, a.lastRefusal)));
        });
    }

    /** The UNAVAILABLE of a wait for a ref's lock that ran out. */
    public static ContentException stillLocked(String ref, Duration waited, Throwable lastRefusal) {
        String why = lastRefusal == null ? "" : ": " + lastRefusal.getMessage();
        return new ContentException(ErrorCode.UNAVAILABLE, "ref " + ref + ": still locked after waiting "
                + format(waited) + why, lastRefusal);
    }

    private static String format(Duration d) {
        return d.toMillis() < 1000 || d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toSeconds() + "s";
    }

    private static final class Attempt {
        private final Ingester store;
        private final String ref;
        private final long total;
        private final Digest expected;
        private long backoffNanos = MIN_BACKOFF.toNanos();
        private volatile Throwable lastRefusal;

        Attempt(Ingester store, String ref, long total, Digest expected) {
            this.store = store;
            this.ref = ref;
            this.total = total;
            this.expected = expected;
        }

        Mono<Writer> next() {
            return store.writer(ref, total, expected)
                    .onErrorResume(e -> ContentException.is(e, ErrorCode.UNAVAILABLE), e -> {
                        lastRefusal = e;
                        return waitThenRetry();
                    });
        }

        private Mono<Writer> waitThenRetry() {
            Mono<Void> wait;
            if (store instanceof RefLockEvents events) {
                // The lock holder may be in another process sharing the store; the backoff bounds the wait then.
                wait = events.whenUnlocked(ref).or(Mono.delay(nextBackoff()).then());
            } else {
                wait = Mono.delay(nextBackoff()).then();
            }
            return wait.then(Mono.defer(this::next));
        }

        private Duration nextBackoff() {
            long jittered = ThreadLocalRandom.current().nextLong(backoffNanos / 2, backoffNanos + 1);
            backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF.toNanos());
            return Duration.ofNanos(jittered);
        }
    }

    /**
     * Writes a whole blob, as containerd's {@code content.WriteBlob}: opens the writer with the descriptor's size
     * and digest (waiting for the lock), does nothing when the content already exists, resumes from the ingest's
     * offset (seeking a seekable source, skipping the already-written prefix of a stream, or restarting at 0
     * when the stream turns out shorter than that prefix), then commits with size and digest.
     *
     * @return completes when the content is in the store; errors: FAILED_PRECONDITION when the bytes do not
     *         match the descriptor, and any error of the source or the store.
     */
    public static Mono<Void> writeBlob(ContentStore store, String ref, BlobSource source, Descriptor desc,
                                       Map<String, String> labels) {
        return openWriter(store, ref, desc.size(), desc.digest())
                .flatMap(w -> Mono.usingWhen(Mono.just(w), writer -> copy(writer, source, desc, labels),
                        Writer::close, (writer, err) -> writer.close(), Writer::close))
                .onErrorResume(e -> ContentException.is(e, ErrorCode.ALREADY_EXISTS), e -> Mono.empty());
    }

    private static Mono<Void> copy(Writer w, BlobSource source, Descriptor desc, Map<String, String> labels) {
        return w.status().flatMap(st -> {
            long offset = st.offset();
            Mono<Long> written;
            if (offset == 0) {
                written = w.write(0, source.open(0));
            } else if (source.isSeekable()) {
                written = w.write(offset, source.open(offset));
            } else {
                written = w.write(offset, skip(source.open(0), offset))
                        .onErrorResume(ShortPrefix.class, e -> w.write(0, source.open(0)));
            }
            return written.then(w.commit(desc.size(), desc.digest(), labels)).then();
        });
    }

    /** Drops the first {@code n} bytes of a stream; fails with ShortPrefix if it ends before that. */
    static Flux<ByteBuffer> skip(org.reactivestreams.Publisher<ByteBuffer> in, long n) {
        return Flux.defer(() -> {
            long[] left = {n};
            return Flux.from(in).<ByteBuffer>handle((buf, sink) -> {
                if (left[0] == 0) {
                    sink.next(buf);
                    return;
                }
                int r = buf.remaining();
                if (r <= left[0]) {
                    left[0] -= r;
                    return;
                }
                ByteBuffer rest = buf.duplicate();
                rest.position(rest.position() + (int) left[0]);
                left[0] = 0;
                sink.next(rest);
            }).concatWith(Mono.defer(() -> left[0] > 0 ? Mono.error(new ShortPrefix()) : Mono.empty()));
        });
    }

    private static final class ShortPrefix extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ShortPrefix() {
            super("source ended before the already-written prefix", null, false, false);
        }
    }
}
