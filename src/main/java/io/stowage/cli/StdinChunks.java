package io.stowage.cli;

import io.stowage.content.ContentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Scheduler;

/**
 * A blocking input stream (stdin) as a backpressured stream of buffers: one read per request, on the given
 * scheduler (never the subscriber's thread, which may be an event loop). A stream cannot seek, so resuming an
 * ingest reads and discards the first {@code skip} bytes (as {@code ctr content ingest} does); when the input
 * ends before that, the stream fails with FAILED_PRECONDITION. Each emitted buffer is a fresh array.
 */
final class StdinChunks {
    static final int CHUNK = 1 << 20;

    private StdinChunks() {
    }

    static Flux<ByteBuffer> read(InputStream in, long skip, String ref, Scheduler blocking) {
        return Flux.<ByteBuffer, State>generate(() -> new State(skip), (state, sink) -> {
            state.next(in, sink, ref);
            return state;
        }).subscribeOn(blocking);
    }

    private static final class State {
        private final byte[] scratch = new byte[CHUNK];
        private final long skip;
        private long skipped;

        State(long skip) {
            this.skip = skip;
        }

        void next(InputStream in, SynchronousSink<ByteBuffer> sink, String ref) {
            try {
                while (skipped < skip) {
                    int n = in.read(scratch, 0, (int) Math.min(scratch.length, skip - skipped));
                    if (n < 0) {
                        sink.error(ContentException.failedPrecondition("stdin ended after " + skipped
                                + " bytes, before the " + skip + " bytes ingest " + ref + " already holds; "
                                + "give the same input again, or run 'stowage content abort " + ref
                                + "' to start over"));
                        return;
                    }
                    skipped += n;
                }
                int n = in.read(scratch);
                if (n < 0) {
                    sink.complete();
                } else {
                    sink.next(ByteBuffer.wrap(Arrays.copyOf(scratch, n)));
                }
            } catch (IOException e) {
                sink.error(ContentException.internal("reading stdin: " + e.getMessage(), e));
            }
        }
    }
}
