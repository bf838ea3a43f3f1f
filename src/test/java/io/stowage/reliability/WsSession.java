package io.stowage.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking client of one write session over the JDK's {@link WebSocket}: text requests answered in order, binary
 * frames sent one at a time. The end of the socket (close, error) makes waiting calls fail with an
 * {@link IOException}; a close status sent by the server is kept.
 */
final class WsSession implements AutoCloseable {
    private static final Object END = new Object();

    private final BlockingQueue<Object> inbound = new LinkedBlockingQueue<>();
    private volatile int closeStatus = -1;
    private volatile Throwable error;
    private WebSocket socket;

    /** The upgrade was refused with an HTTP status. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, Throwable cause) {
            super("upgrade refused with " + status, cause);
            this.status = status;
        }
    }

    private WsSession() {
    }

    static WsSession open(HttpClient client, URI uri) throws IOException {
        WsSession s = new WsSession();
        try {
            s.socket = client.newWebSocketBuilder().connectTimeout(Api.TIMEOUT).buildAsync(uri, s.listener())
                    .get(Api.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return s;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                throw new Refused(h.getResponse().statusCode(), h);
            }
            throw new IOException("websocket " + uri + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IOException("websocket " + uri + ": " + e, e);
        }
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    inbound.add(text.toString());
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closeStatus = statusCode;
                inbound.add(END);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable e) {
                error = e;
                inbound.add(END);
            }
        };
    }

    /** Sends a text request and returns the next text the server sends (its answer, or an error). */
    JsonNode request(String json) throws IOException {
        await(socket.sendText(json, true));
        return next();
    }

    /** The next text message from the server. */
    JsonNode next() throws IOException {
        Object o;
        try {
            o = inbound.poll(Api.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (o == null) {
            throw new IOException("no answer within " + Api.TIMEOUT);
        }
        if (o == END) {
            inbound.add(END);
            throw new IOException("session ended (close " + closeStatus + ", error " + error + ")");
        }
        return Api.JSON.readTree((String) o);
    }

    /** Sends {@code length} bytes as one binary frame. */
    void send(byte[] data, int offset, int length) throws IOException {
        await(socket.sendBinary(ByteBuffer.wrap(data, offset, length), true));
    }

    /** The close status the server sent, or -1. */
    int closeStatus() {
        return closeStatus;
    }

    /** Waits (at most the timeout) until the server has closed the socket; returns its close status. */
    int awaitClose() throws IOException {
        while (true) {
            Object o;
            try {
                o = inbound.poll(Api.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (o == null) {
                throw new IOException("not closed within " + Api.TIMEOUT);
            }
            if (o == END) {
                inbound.add(END);
                return closeStatus;
            }
        }
    }

    private static void await(CompletableFuture<?> f) throws IOException {
        try {
            f.get(Api.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("send failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IOException("send failed: " + e, e);
        }
    }

    /** Closes normally (1000) and drops the connection; the server closes the writer, keeping the data. */
    @Override
    public void close() {
        if (socket == null) {
            return;
        }
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS)
                    .handle((x, e) -> null).join();
            try {
                awaitClose();
            } catch (IOException e) {
                // gone anyway
            }
        }
        socket.abort();
    }
}
