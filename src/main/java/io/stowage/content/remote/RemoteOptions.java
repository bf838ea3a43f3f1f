package io.stowage.content.remote;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RemoteContentStore} talks to its server. Immutable; start from {@link #defaults()} and change
 * fields with the {@code with...} methods.
 *
 * @param maxConnections the size of the pool of HTTP connections shared by plain requests (write sessions each
 *                       have a connection of their own, outside the pool)
 * @param connectTimeout how long opening a connection may take
 * @param acquireTimeout how long a request may wait for a pooled connection when all are busy
 * @param maxFrameBytes the largest WebSocket data frame sent; bigger buffers are split (at most 4 MiB, the frame
 *                      size every server accepts)
 * @param framesInFlight how many frames a write session hands to the socket before the first is sent; with
 *                       {@code maxFrameBytes} it bounds the memory a session holds
 * @param lockReleaseWait how long reopening a ref whose write session this client has just closed retries while
 *                        the server still reports the ref locked (the server releases the lock as soon as it sees
 *                        the close, which a client cannot observe)
 */
public record RemoteOptions(int maxConnections, Duration connectTimeout, Duration acquireTimeout, int maxFrameBytes,
                            int framesInFlight, Duration lockReleaseWait) {
    /** The largest data frame every server accepts (issue 3: "at least 4 MiB"). */
    public static final int MAX_FRAME_BYTES = 4 << 20;

    public RemoteOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(acquireTimeout, "acquireTimeout");
        Objects.requireNonNull(lockReleaseWait, "lockReleaseWait");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections " + maxConnections + " below 1");
        }
        if (maxFrameBytes < 1024 || maxFrameBytes > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes + " outside 1 KiB to 4 MiB");
        }
        if (framesInFlight < 1) {
            throw new IllegalArgumentException("framesInFlight " + framesInFlight + " below 1");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || acquireTimeout.isNegative()
                || acquireTimeout.isZero() || lockReleaseWait.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /**
     * 64 pooled connections, 10 s to connect, 30 s to get a pooled connection, 256 KiB frames, 4 in flight, 1 s
     * of waiting for the server to release a ref this client closed.
     */
    public static RemoteOptions defaults() {
        return new RemoteOptions(64, Duration.ofSeconds(10), Duration.ofSeconds(30), 256 << 10, 4,
                Duration.ofSeconds(1));
    }

    public RemoteOptions withMaxConnections(int n) {
        return new RemoteOptions(n, connectTimeout, acquireTimeout, maxFrameBytes, framesInFlight, lockReleaseWait);
    }

    public RemoteOptions withConnectTimeout(Duration d) {
        return new RemoteOptions(maxConnections, d, acquireTimeout, maxFrameBytes, framesInFlight, lockReleaseWait);
    }

    public RemoteOptions withAcquireTimeout(Duration d) {
        return new RemoteOptions(maxConnections, connectTimeout, d, maxFrameBytes, framesInFlight, lockReleaseWait);
    }

    public RemoteOptions withMaxFrameBytes(int bytes) {
        return new RemoteOptions(maxConnections, connectTimeout, acquireTimeout, bytes, framesInFlight,
                lockReleaseWait);
    }

    public RemoteOptions withFramesInFlight(int n) {
        return new RemoteOptions(maxConnections, connectTimeout, acquireTimeout, maxFrameBytes, n, lockReleaseWait);
    }

    public RemoteOptions withLockReleaseWait(Duration d) {
        return new RemoteOptions(maxConnections, connectTimeout, acquireTimeout, maxFrameBytes, framesInFlight, d);
    }
}
