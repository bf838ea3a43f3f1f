package io.stowage.net;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * How HTTP bodies are cut into pieces by Netty's decoders, for servers and clients alike. Netty's default (8 KiB)
 * cut every 64 KiB socket read into eight pieces, each one a file write and a thread hand-off on the way to disk;
 * above the read size, a piece is simply what one read brought, so nothing is held back or buffered for it.
 */
public final class BodyPieces {
    /** The largest piece a body is cut into ({@code maxChunkSize} of the request and response decoders). */
    public static final int MAX = 1 << 20;

    private BodyPieces() {
    }

    /** A heap copy of the readable bytes of {@code buf}, which stays the caller's (Reactor Netty releases it). */
    public static ByteBuffer copy(ByteBuf buf) {
        ByteBuffer out = ByteBuffer.allocate(buf.readableBytes());
        buf.getBytes(buf.readerIndex(), out);
        return out.flip();
    }
}
