package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The congestion control of accepted connections: what each setting gives which peer, and, on a real socket, that
 * the kernel was told (read back with {@code ss -ti}, which prints each socket's algorithm).
 */
class TcpCongestionTest {
    private static final Duration T = Duration.ofSeconds(30);
    private StowageServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow(T);
        }
    }

    @Test
    void autoGivesLoopbackPeersCubicAndLeavesOthersAlone() throws Exception {
        TcpCongestion auto = TcpCongestion.auto();
        assertThat(auto.algorithmFor(new InetSocketAddress("127.0.0.1", 40000))).isEqualTo("cubic");
        assertThat(auto.algorithmFor(new InetSocketAddress("::1", 40000))).isEqualTo("cubic");
        assertThat(auto.algorithmFor(new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 7}), 1)))
                .isNull();
        assertThat(auto.algorithmFor(null)).isNull();
    }

    @Test
    void systemLeavesEveryoneAloneAndANameAppliesToEveryone() throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 7}), 1);
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", 1);
        assertThat(TcpCongestion.parse("system").algorithmFor(local)).isNull();
        assertThat(TcpCongestion.parse(" BBR ").algorithmFor(remote)).isEqualTo("bbr");
        assertThat(TcpCongestion.parse("reno").algorithmFor(local)).isEqualTo("reno");
        assertThat(TcpCongestion.parse("Auto")).isEqualTo(TcpCongestion.auto());
    }

    @Test
    void aSettingThatCannotBeAnAlgorithmIsRefusedWithWhatIsAccepted() {
        for (String bad : List.of("", "cubic;rm", "a-b", "sixteen_chars_xx", "../bbr")) {
            assertThatThrownBy(() -> TcpCongestion.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected auto, system or an algorithm's name");
        }
    }

    @Test
    void theServerSetsTheNamedAlgorithmOnEachAcceptedConnection() throws Exception {
        assumeKernelVisible();
        server = StowageServer.start(ServerOptions.defaults().withPort(0)
                .withTcpCongestion(TcpCongestion.parse("reno")), List.of());
        assertThat(serverSideAlgorithm()).isEqualTo("reno");
    }

    @Test
    void byDefaultALoopbackConnectionGetsCubic() throws Exception {
        assumeKernelVisible();
        server = StowageServer.start(ServerOptions.defaults().withPort(0), List.of());
        assertThat(serverSideAlgorithm()).isEqualTo("cubic");
    }

    @Test
    void anAlgorithmTheKernelRefusesLeavesTheDefaultAndTheConnectionServed() throws Exception {
        assumeKernelVisible();
        String systemDefault = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).trim();
        server = StowageServer.start(ServerOptions.defaults().withPort(0)
                .withTcpCongestion(TcpCongestion.parse("no_such_cc")), List.of());
        assertThat(serverSideAlgorithm()).isEqualTo(systemDefault);
    }

    private static void assumeKernelVisible() {
        assumeTrue(Epoll.isAvailable(), "the native epoll transport sets the option");
        boolean ss = Files.isExecutable(Path.of("/usr/bin/ss")) || Files.isExecutable(Path.of("/bin/ss"));
        // CI installs iproute2 (.ci/run): there a missing ss fails rather than skips
        assertThat(ss || System.getenv("CI") == null).as("CI is set and ss (iproute2) is not installed").isTrue();
        assumeTrue(ss, "ss (iproute2) reads the algorithm back: apt-get install iproute2");
    }

    /**
     * Opens a connection, has one request answered on it (the 404 of an unknown path, so the server has set up the
     * connection and served it) and, with the connection still open, reads the server side's algorithm.
     */
    private String serverSideAlgorithm() throws Exception {
        int port = server.address().getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = new byte[12];
            int n = 0;
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                assertThat(r).isPositive();
                n += r;
            }
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 404");
            Process ss = new ProcessBuilder("ss", "-tinH", "state", "established", "( sport = :" + port + " )")
                    .redirectErrorStream(true).start();
            String text = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();
            // the algorithm is the one word of the socket's line that the kernel lists as available
            List<String> known = List.of(Files.readString(
                    Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control")).trim().split("\\s+"));
            for (String word : text.split("\\s+")) {
                if (known.contains(word)) {
                    return word;
                }
            }
            throw new AssertionError("no congestion control in ss output: " + text);
        }
    }
}
