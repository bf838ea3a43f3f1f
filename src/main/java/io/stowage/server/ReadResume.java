package io.stowage.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import reactor.netty.channel.ChannelOperations;

/**
 * Keeps a keep-alive connection reading past a Reactor Netty server bug (reactor/reactor-netty#4361, fixed after
 * the 1.3.7 in use): a request that arrives before the previous one's handling has ended is queued with its
 * trailing content; when that request is answered at once, the queue's last piece is handed on with no request
 * in flight and nothing asks the socket for more, so the connection's next request is never read and its client
 * waits until it gives up. Placed just before Reactor Netty's bridge, this drops such content and asks for the
 * next read. One per connection, on its event loop.
 */
final class ReadResume extends ChannelInboundHandlerAdapter {
    static final String NAME = "stowage.readResume";

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean noRequestInFlight = ChannelOperations.get(ctx.channel()) == null;
        if (noRequestInFlight && msg instanceof HttpContent && !(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
            ctx.read();
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
