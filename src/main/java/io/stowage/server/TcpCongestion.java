package io.stowage.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.RawUnixChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TCP congestion control an accepted connection uses (Linux {@code TCP_CONGESTION}, set on the connection's
 * socket as it is accepted; Netty's native epoll transport only). Three settings, parsed by {@link #parse}:
 * <ul>
 *   <li>{@code auto}, the default: connections from a loopback address use {@code cubic}, all others the system's
 *       default ({@code net.ipv4.tcp_congestion_control}). A loopback path has no queue to protect and nothing to
 *       probe, while a pacing algorithm such as {@code bbr} (a common system default) paces it all the same: on the
 *       machine of {@code benchmarks/NETWORK.md} that halves what one loopback connection carries (iperf3 4.4 against
 *       8.5 GB/s) and, for a {@code sendfile} download, quadruples the server's CPU per byte. Peers on the same
 *       host, such as a container runtime pulling from a node-local store, are the ones this is for.</li>
 *   <li>{@code system}: every connection keeps the system's default.</li>
 *   <li>an algorithm's name ({@code cubic}, {@code bbr}, {@code reno}, ...): every connection uses it. It must be
 *       loaded, and for a server without {@code CAP_NET_ADMIN} listed in
 *       {@code net.ipv4.tcp_allowed_congestion_control}.</li>
 * </ul>
 * When the kernel refuses an algorithm, or the transport is not epoll, the connection keeps the system's default and
 * one warning per algorithm is logged; serving goes on. Immutable and thread-safe.
 */
public final class TcpCongestion {
    /** The default setting. */
    public static final String AUTO = "auto";
    /** The setting that leaves every connection alone. */
    public static final String SYSTEM = "system";
    /** What {@code auto} gives loopback connections. */
    static final String LOOPBACK_ALGORITHM = "cubic";

    private static final Logger log = LoggerFactory.getLogger(TcpCongestion.class);
    /** Linux {@code IPPROTO_TCP} and {@code TCP_CONGESTION}. */
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_CONGESTION = 13;
    /** {@code TCP_CA_NAME_MAX} is 16 bytes with the terminating NUL. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,15}");
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final String setting;

    private TcpCongestion(String setting) {
        this.setting = setting;
    }

    /** The default, {@code auto}. */
    public static TcpCongestion auto() {
        return new TcpCongestion(AUTO);
    }

    /**
     * {@code auto}, {@code system} or an algorithm's name (lower case letters, digits and {@code _}, at most 15);
     * anything else is an IllegalArgumentException saying what is accepted. Whether the kernel has the algorithm
     * is known only when a connection asks for it.
     */
    public static TcpCongestion parse(String setting) {
        String s = setting.trim().toLowerCase(Locale.ROOT);
        if (!s.equals(AUTO) && !s.equals(SYSTEM) && !NAME.matcher(s).matches()) {
            throw new IllegalArgumentException("TCP congestion control '" + setting
                    + "': expected auto, system or an algorithm's name such as cubic or bbr");
        }
        return new TcpCongestion(s);
    }

    /** The setting as given to {@link #parse}, normalised. */
    public String setting() {
        return setting;
    }

    /** The algorithm a connection from {@code peer} is given, or null to leave it at the system's default. */
    String algorithmFor(SocketAddress peer) {
        return switch (setting) {
            case SYSTEM -> null;
            case AUTO -> isLoopback(peer) ? LOOPBACK_ALGORITHM : null;
            default -> setting;
        };
    }

    /** Sets the algorithm on an accepted connection, if this setting gives it one; never throws. */
    void apply(Channel channel) {
        String algorithm = algorithmFor(channel.remoteAddress());
        if (algorithm == null) {
            return;
        }
        byte[] name = algorithm.getBytes(StandardCharsets.US_ASCII);
        RawUnixChannelOption option = new RawUnixChannelOption("TCP_CONGESTION", IPPROTO_TCP, TCP_CONGESTION,
                name.length);
        try {
            if (!channel.config().setOption(option, ByteBuffer.wrap(name))) {
                warnOnce(algorithm, "the " + channel.getClass().getSimpleName() + " transport cannot set it");
            }
        } catch (ChannelException | UnsupportedOperationException e) {
            warnOnce(algorithm, String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
    }

    private static boolean isLoopback(SocketAddress peer) {
        if (peer instanceof InetSocketAddress a) {
            InetAddress address = a.getAddress();
            return address != null && address.isLoopbackAddress();
        }
        return false;
    }

    private static void warnOnce(String algorithm, String why) {
        if (WARNED.add(algorithm)) {
            log.warn("TCP congestion control {} not set ({}); connections keep the system's default", algorithm, why);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpCongestion t && t.setting.equals(setting);
    }

    @Override
    public int hashCode() {
        return setting.hashCode();
    }

    @Override
    public String toString() {
        return setting;
    }
}
