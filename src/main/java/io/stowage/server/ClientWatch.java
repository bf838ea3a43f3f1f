package io.stowage.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one connection's client, first in its pipeline so that it sees raw bytes both ways.
 * <ul>
 *   <li>A client that has stopped taking what the server sends is cut: when output is waiting to be written and
 *       none of it has moved for the idle timeout, the connection is closed. Output is observed byte by byte
 *       ({@code observeOutput}), so a large zero-copy transfer to a slow but moving client goes on; a connection
 *       with nothing to send (waiting for a request or a body) is left to the other timeouts. Closing it ends the
 *       request's handler, which releases the blob file or the writer it held.</li>
 *   <li>It notes when bytes last arrived ({@link #sinceLastRead}), so that a write session waiting for a large frame
 *       that is still arriving does not take its client for stalled ({@link StallGuard}).</li>
 * </ul>
 */
final class ClientWatch extends IdleStateHandler {
    static final String NAME = "stowage.clientWatch";
    private static final Logger log = LoggerFactory.getLogger(ClientWatch.class);

    private volatile long lastReadNanos = System.nanoTime();
    /** When output was last handed to this connection (the event loop's ticker); event loop only. */
    private long lastEnqueueNanos = Long.MIN_VALUE / 2;

    ClientWatch(Duration timeout) {
        super(true, 0, timeout.toMillis(), 0, TimeUnit.MILLISECONDS);
    }

    /** How long ago (nanoseconds) bytes last arrived on {@code channel}; null when it is not watched. */
    static LongSupplier sinceLastRead(Channel channel) {
        ClientWatch w = channel.pipeline().get(ClientWatch.class);
        return w == null ? null : () -> System.nanoTime() - w.lastReadNanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        lastReadNanos = System.nanoTime();
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        lastEnqueueNanos = ctx.executor().ticker().nanoTime();
        super.write(ctx, msg, promise);
    }

    /**
     * Closes the connection when output has waited for the whole idle timeout. Output queued within it is not
     * waiting yet: after a quiet period (a write session waiting for its client's next frame) the server's own
     * answer can be queued just as the idle event fires, and closing then dropped that answer. Such output gets
     * the next idle period, and the connection is closed then if none of it moved.
     */
    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) throws Exception {
        if (evt.state() == IdleState.WRITER_IDLE && pendingOutput(ctx) > 0
                && ctx.executor().ticker().nanoTime() - lastEnqueueNanos >= getWriterIdleTimeInMillis() * 1_000_000L) {
            log.info("closing {}: the client took none of the {} bytes waiting for it in {} ms", ctx.channel(),
                    pendingOutput(ctx), getWriterIdleTimeInMillis());
            ctx.close();
            return;
        }
        super.channelIdle(ctx, evt);
    }

    private static long pendingOutput(ChannelHandlerContext ctx) {
        ChannelOutboundBuffer buf = ctx.channel().unsafe().outboundBuffer();
        return buf == null ? 0 : buf.totalPendingWriteBytes();
    }
}
