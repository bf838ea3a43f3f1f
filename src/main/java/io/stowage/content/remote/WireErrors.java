package io.stowage.content.remote;

import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.stowage.content.ContentException;
import io.stowage.server.ErrorMapping;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Failures on the client side of the wire as {@link ContentException}s. Error responses are decoded by the
 * server's {@link ErrorMapping} (the one table of codes and statuses, read backwards); a transport failure (no
 * connection, a connection cut, a timeout) is UNAVAILABLE, since retrying later may succeed; anything else that
 * is not already a ContentException is INTERNAL.
 */
final class WireErrors {
    private WireErrors() {
    }

    /** The exception for an error response: code, message and offset from its JSON body, else from its status. */
    static ContentException fromResponse(int status, byte[] body) {
        return ErrorMapping.fromWire(status, body);
    }

    /** {@code t} as a ContentException, naming what was being done ({@code context}) for transport failures. */
    static ContentException of(String context, Throwable t) {
        if (t instanceof ContentException ce) {
            return ce;
        }
        if (isTransport(t)) {
            return ContentException.unavailable(context + ": " + describe(t));
        }
        return ContentException.internal(context + ": " + describe(t), t);
    }

    static boolean isTransport(Throwable t) {
        return t instanceof IOException || t instanceof PrematureCloseException || t instanceof AbortedException
                || t instanceof TimeoutException || t instanceof WebSocketClientHandshakeException
                || (t.getCause() != null && t.getCause() != t && t.getCause() instanceof IOException);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
