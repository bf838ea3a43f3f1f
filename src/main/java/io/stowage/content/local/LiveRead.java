package io.stowage.content.local;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One reader following an ingest in progress ({@link io.stowage.content.LiveContent#readLive}): a request-one
 * loop over the ingest's data file, opened once (the commit renames the file; the open channel keeps reading the
 * same bytes). Each step reads what the writer has landed beyond the reader's position, or waits for the writer's
 * next change of progress ({@link LocalWriter#changedSince}), or ends:
 * <ul>
 *   <li>the last byte of the requested range, and the writer's last landed byte, are held back until the
 *       writer's commit succeeded, so the stream never ends (nor a response body completes) on bytes the
 *       commit's check rejects;</li>
 *   <li>a chunk read while the writer was reset is dropped; a reset after this reader emitted bytes fails it
 *       with FAILED_PRECONDITION (those bytes may belong to an abandoned attempt), before that it starts over;</li>
 *   <li>a failed commit fails the reader with FAILED_PRECONDITION, a close or abort without commit with
 *       UNAVAILABLE.</li>
 * </ul>
 * Not thread-safe on its own: Reactor serialises the steps of one subscription.
 */
final class LiveRead {
    /** Emitted by a step to say the stream is over. */
    private static final ByteBuffer END = ByteBuffer.allocate(0);
    /** Emitted by a step in span mode: {@link #lastSpan} is ready. */
    private static final ByteBuffer SPAN = ByteBuffer.allocate(0);

    private final LocalWriter writer;
    private final AsynchronousFileChannel channel;
    private final Digest digest;
    private final long end;
    private long position;
    private boolean emitted;
    private long generation;

    private LiveRead(LocalWriter writer, AsynchronousFileChannel channel, Digest digest, long offset, long length,
                     LocalWriter.Progress start) {
        this.writer = writer;
        this.channel = channel;
        this.digest = digest;
        this.position = offset;
        this.end = length < 0 || offset > Long.MAX_VALUE - length ? Long.MAX_VALUE : offset + length;
        this.generation = start.generation();
    }

    /** The bytes of {@code [offset, offset + length)} ({@code length < 0}: to the end) as the writer lands them. */
    static Flux<ByteBuffer> follow(LocalWriter writer, AsynchronousFileChannel channel, Digest digest, long offset,
                                   long length) {
        return Flux.defer(() -> {
            LiveRead r = new LiveRead(writer, channel, digest, offset, length, writer.progress());
            return Mono.defer(r::step).repeat().takeWhile(b -> b != END);
        });
    }

    /**
     * The spans of the ingest's data file to send, as they land, under the same rules as {@link #follow}; a span
     * is handed out without reading it, so spans are as large as what has landed. Bytes sent from a span after a
     * reset belong to the new attempt, but a reset after a span was handed out fails the stream anyway.
     */
    static Flux<long[]> spans(LocalWriter writer, Digest digest, long offset, long length) {
        return Flux.defer(() -> {
            LiveRead r = new LiveRead(writer, null, digest, offset, length, writer.progress());
            return Mono.defer(() -> r.next(true)).repeat().takeWhile(b -> b != END).map(b -> r.lastSpan);
        });
    }

    /** The span handed out by the last step in span mode. */
    private long[] lastSpan;

    private Mono<ByteBuffer> step() {
        return next(false);
    }

    private Mono<ByteBuffer> next(boolean spans) {
        LocalWriter.Progress p = writer.progress();
        if (p.generation() != generation) {
            if (emitted) {
                return Mono.error(ContentException.failedPrecondition("live read of " + digest + ": the ingest "
                        + writer.ref() + " was reset after bytes up to " + position + " were sent"));
            }
            generation = p.generation();
        }
        switch (p.phase()) {
            case FAILED, ENDED -> {
                return Mono.error(p.failure());
            }
            default -> {
            }
        }
        boolean committed = p.phase() == LocalWriter.Phase.COMMITTED;
        // Before the commit, the byte the writer landed last (which may be the blob's last) and the range's last
        // byte are held back: the stream cannot end, nor a client see a complete body, before the check passed.
        long stop = committed ? Math.min(end, p.offset()) : Math.min(end - 1, p.offset() - 1);
        if (position < stop) {
            if (spans) {
                lastSpan = new long[] {position, stop - position};
                position = stop;
                emitted = true;
                return Mono.just(SPAN);
            }
            int n = (int) Math.min(LocalContentStore.READ_CHUNK, stop - position);
            return LocalContentStore.readChunk(channel, position, n).flatMap(buf -> landed(buf, p));
        }
        if (committed) {
            return Mono.just(END);
        }
        return writer.changedSince(p).then(Mono.defer(() -> next(spans)));
    }

    /** Keeps a chunk read at the reader's position unless the writer was reset meanwhile. */
    private Mono<ByteBuffer> landed(ByteBuffer buf, LocalWriter.Progress before) {
        if (writer.progress().generation() != before.generation() || !buf.hasRemaining()) {
            return step();   // the file changed under the read: decide again (fails when bytes were sent)
        }
        position += buf.remaining();
        emitted = true;
        return Mono.just(buf);
    }
}
