package io.stowage.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Holds back a client's close frame until its write session has let go of the writer. Reactor Netty answers a
 * close frame at once (echo, then the connection is closed), before the session even sees the end of its
 * inbound; a client that reopens the ref as soon as its socket is closed would then find it still locked. So the
 * close frame is replaced by a {@link Closing} marker, which reaches the session after every frame sent before
 * the close; the session releases the writer, then {@link Closing#proceed()} passes the close frame on and
 * Reactor Netty completes the closing handshake. Lives on one connection's event loop.
 */
final class ClientCloseHold extends ChannelInboundHandlerAdapter {
    static final String NAME = "stowage.clientCloseHold";

    private ChannelHandlerContext ctx;
    private boolean closeSeen;
    private CloseWebSocketFrame held;

    @Override
    public void handlerAdded(ChannelHandlerContext c) {
        this.ctx = c;
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
        if (msg instanceof CloseWebSocketFrame close && close.isFinalFragment()) {
            if (closeSeen) {
                ReferenceCountUtil.release(close);
                return;
            }
            closeSeen = true;
            held = close;
            c.fireChannelRead(new Closing(this));
            return;
        }
        c.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
        dropHeld();
        c.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext c) {
        dropHeld();
    }

    private void dropHeld() {
        CloseWebSocketFrame h = held;
        held = null;
        if (h != null) {
            ReferenceCountUtil.release(h);
        }
    }

    /** Passes the held close frame on, on the event loop. */
    private void release() {
        ctx.executor().execute(() -> {
            CloseWebSocketFrame h = held;
            held = null;
            if (h != null) {
                ctx.fireChannelRead(h);
            }
        });
    }

    /**
     * Stands for the client's close frame in the session's inbound, in order. A (payload-less) pong frame so
     * that it passes through Reactor Netty as any other frame does.
     */
    static final class Closing extends PongWebSocketFrame {
        private final ClientCloseHold hold;

        Closing(ClientCloseHold hold) {
            super(Unpooled.EMPTY_BUFFER);
            this.hold = hold;
        }

        /** The session has released its writer: let the close through. */
        void proceed() {
            hold.release();
        }
    }
}
