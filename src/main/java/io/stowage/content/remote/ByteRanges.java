package io.stowage.content.remote;

import java.nio.ByteBuffer;
import reactor.core.publisher.Flux;

/** Cutting a byte stream down to a range, for a server that answered a range request with the whole blob. */
final class ByteRanges {
    private ByteRanges() {
    }

    /** Bytes {@code first} to {@code last} (inclusive; {@code last < 0} for up to the end) of {@code in}. */
    static Flux<ByteBuffer> slice(Flux<ByteBuffer> in, long first, long last) {
        return Flux.defer(() -> {
            long[] pos = {0};
            return in.<ByteBuffer>handle((buf, sink) -> {
                long start = pos[0];
                long end = start + buf.remaining();
                pos[0] = end;
                long from = Math.max(start, first);
                long to = last < 0 ? end : Math.min(end, last + 1);
                if (from < to) {
                    ByteBuffer part = buf.duplicate();
                    part.position(buf.position() + (int) (from - start));
                    part.limit(buf.position() + (int) (to - start));
                    sink.next(part.slice());
                }
                if (last >= 0 && end > last) {
                    sink.complete();
                }
            });
        });
    }
}
