package io.stowage.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link StowageServer} binds and what it accepts. Immutable; start from {@link #defaults()} and change
 * fields with the {@code with...} methods.
 *
 * @param host the interface to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the port, 0 for an ephemeral one (read it back from {@link StowageServer#address()})
 * @param maxFrameBytes the largest WebSocket frame payload accepted in a write session; at least 4 MiB, the size
 *                      the wire contract promises to clients
 * @param maxJsonBytes the largest JSON request body (PATCH of labels) or text frame accepted
 * @param idleTimeout how long the server waits on a client that neither sends nor takes anything: a connection
 *                    between requests or before its headers end (closed), a download whose output has not moved
 *                    (closed, releasing the blob file), a PUT body or write session waiting for its next bytes
 *                    (the writer closed with its data kept, the ref lock released, {@code unavailable})
 * @param tcpCongestion the TCP congestion control of accepted connections ({@link TcpCongestion}; default
 *                      {@code auto}: {@code cubic} for loopback peers, the system's default for the others)
 */
public record ServerOptions(String host, int port, int maxFrameBytes, int maxJsonBytes, Duration idleTimeout,
                            TcpCongestion tcpCongestion) {
    /** The smallest frame limit allowed: clients may send 4 MiB frames. */
    public static final int MIN_FRAME_BYTES = 4 << 20;
    /** 4 MiB of payload plus 64 KiB of headroom. */
    public static final int DEFAULT_MAX_FRAME_BYTES = MIN_FRAME_BYTES + (64 << 10);
    public static final int DEFAULT_MAX_JSON_BYTES = 1 << 20;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 5000;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(tcpCongestion, "tcpCongestion");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 0-65535");
        }
        if (maxFrameBytes < MIN_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes + " below " + MIN_FRAME_BYTES);
        }
        if (maxJsonBytes < 4096) {
            throw new IllegalArgumentException("maxJsonBytes " + maxJsonBytes + " below 4096");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive");
        }
    }

    /** 127.0.0.1:5000, 4 MiB + 64 KiB frames, 1 MiB JSON bodies, 60 s idle timeout, {@code auto} congestion control. */
    public static ServerOptions defaults() {
        return new ServerOptions(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_JSON_BYTES,
                DEFAULT_IDLE_TIMEOUT, TcpCongestion.auto());
    }

    public ServerOptions withHost(String newHost) {
        return new ServerOptions(newHost, port, maxFrameBytes, maxJsonBytes, idleTimeout, tcpCongestion);
    }

    public ServerOptions withPort(int newPort) {
        return new ServerOptions(host, newPort, maxFrameBytes, maxJsonBytes, idleTimeout, tcpCongestion);
    }

    /** Host and port together, as {@code HOST:PORT} (IPv6 as {@code [addr]:PORT}). */
    public ServerOptions withListen(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostAndPort.length() - 1) {
            throw new IllegalArgumentException("listen address '" + hostAndPort + "': expected HOST:PORT");
        }
        String h = hostAndPort.substring(0, colon);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        int p;
        try {
            p = Integer.parseInt(hostAndPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen address '" + hostAndPort + "': bad port", e);
        }
        return new ServerOptions(h, p, maxFrameBytes, maxJsonBytes, idleTimeout, tcpCongestion);
    }

    public ServerOptions withMaxFrameBytes(int bytes) {
        return new ServerOptions(host, port, bytes, maxJsonBytes, idleTimeout, tcpCongestion);
    }

    public ServerOptions withMaxJsonBytes(int bytes) {
        return new ServerOptions(host, port, maxFrameBytes, bytes, idleTimeout, tcpCongestion);
    }

    public ServerOptions withIdleTimeout(Duration timeout) {
        return new ServerOptions(host, port, maxFrameBytes, maxJsonBytes, timeout, tcpCongestion);
    }

    public ServerOptions withTcpCongestion(TcpCongestion congestion) {
        return new ServerOptions(host, port, maxFrameBytes, maxJsonBytes, idleTimeout, congestion);
    }
}
