package io.stowage.content.remote;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.stowage.content.ContentException;
import java.io.ByteArrayOutputStream;
import reactor.netty.NettyPipeline;

/**
 * Keeps the body of a refused WebSocket upgrade. The server refuses a write session with an ordinary error
 * response ({@code 503 unavailable} with "locked since ...", {@code 409 already_exists}, {@code 400}), but the
 * WebSocket handshake failure only carries the status; this handler sits right after the HTTP codec of the
 * session's own connection, copies the body of a non-101 response (up to {@link #MAX_BODY} bytes) and steps out
 * of the pipeline once the upgrade succeeds. One instance per connection attempt.
 */
final class UpgradeRefusal extends ChannelInboundHandlerAdapter {
    static final int MAX_BODY = 64 << 10;
    private static final String NAME = "stowage.upgradeRefusal";

    private ByteArrayOutputStream body;
    private volatile byte[] captured;
    private volatile int status;

    /** Adds this handler to a new session connection, right after its HTTP codec. */
    void install(Channel channel) {
        if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
            channel.pipeline().addAfter(NettyPipeline.HttpCodec, NAME, this);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse r) {
            status = r.status().code();
            if (r.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                ctx.pipeline().remove(this);
            } else {
                body = new ByteArrayOutputStream();
            }
        }
        if (msg instanceof HttpContent c && body != null) {
            ByteBuf content = c.content();
            int n = Math.min(content.readableBytes(), MAX_BODY - body.size());
            if (n > 0) {
                byte[] b = new byte[n];
                content.getBytes(content.readerIndex(), b);
                body.write(b, 0, n);
            }
            if (msg instanceof LastHttpContent) {
                captured = body.toByteArray();
                body = null;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * The ContentException for a failed session opening: the server's error when the upgrade was refused (its
     * code, message and offset), else the transport failure as UNAVAILABLE.
     */
    ContentException explain(String context, Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof WebSocketClientHandshakeException h) {
                int code = h.response() != null ? h.response().status().code() : status;
                byte[] b = captured;
                return WireErrors.fromResponse(code, b == null ? new byte[0] : b);
            }
        }
        return WireErrors.of(context, t);
    }
}
