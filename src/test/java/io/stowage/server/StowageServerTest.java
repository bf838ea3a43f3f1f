package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** Starting, addressing and stopping the server; routes from several providers; the fallback 404. */
class StowageServerTest {
    private static final Duration T = Duration.ofSeconds(30);
    private StowageServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow(T);
        }
    }

    @Test
    void bindsAnEphemeralPortAndLogsOneLineWithIt() {
        Logger logger = (Logger) LoggerFactory.getLogger(StowageServer.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            server = StowageServer.start(ServerOptions.defaults().withPort(0), List.of());
        } finally {
            logger.detachAppender(logged);
        }
        int port = server.address().getPort();
        assertThat(port).isPositive();
        assertThat(server.uri().toString()).isEqualTo("http://127.0.0.1:" + port);
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("stowage listening on http://127.0.0.1:" + port);
    }

    @Test
    void providersAreAskedInOrderAndTheRestIs404() {
        RouteProvider hello = routes -> routes.get("/hello", (req, res) -> res.sendString(Mono.just("first")));
        RouteProvider shadowed = routes -> routes.get("/hello", (req, res) -> res.sendString(Mono.just("second")));
        server = StowageServer.start(ServerOptions.defaults().withListen("127.0.0.1:0"), List.of(hello, shadowed));
        HttpClient client = HttpClient.create().baseUrl(server.uri().toString());

        assertThat(client.get().uri("/hello").responseContent().aggregate().asString().block(T)).isEqualTo("first");
        String notFound = client.get().uri("/nothing").responseSingle((r, b) -> b.asString()
                .map(s -> r.status().code() + " " + s)).block(T);
        assertThat(notFound).startsWith("404 ").contains("\"code\":\"not_found\"");
    }

    /**
     * /slow sends its whole body at once but its handling ends 300 ms later (as a blob sent from a file opened off
     * the event loop can), so Reactor Netty queues the client's next request, /fast, which is answered at once when
     * it is taken from the queue. Reactor Netty 1.3.7 then stopped reading the connection (reactor-netty#4361):
     * the third request was never answered.
     */
    @Test
    void aKeepAliveConnectionIsReadAfterARequestQueuedBehindOneStillEnding(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("slow"), "slow");
        RouteProvider routes = r -> r
                .get("/slow", (req, res) -> res.header(HttpHeaderNames.CONTENT_LENGTH, "4")
                        .sendFile(file).then()
                        .then(Mono.delay(Duration.ofMillis(300)).then()))
                .get("/fast", (req, res) -> res.sendString(Mono.just("fast")));
        server = StowageServer.start(ServerOptions.defaults().withPort(0), List.of(routes));
        try (Socket socket = new Socket("127.0.0.1", server.address().getPort())) {
            socket.setSoTimeout(10_000);
            RawHttp http = new RawHttp(socket);
            assertThat(http.get("/slow")).isEqualTo("slow");
            for (int i = 0; i < 3; i++) {
                assertThat(http.get("/fast")).as("request %d after /slow", i + 1).isEqualTo("fast");
            }
        }
    }

    /** HTTP/1.1 GETs on one socket, one at a time; answers with a Content-Length body. */
    private record RawHttp(Socket socket) {
        String get(String path) throws IOException {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("connection closed after " + head);
                }
                head.append((char) c);
            }
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void disposingCompletesOnDispose() {
        server = StowageServer.start(ServerOptions.defaults().withPort(0), List.of());
        server.dispose();
        StepVerifier.create(server.onDispose()).expectComplete().verify(T);
        assertThat(server.isDisposed()).isTrue();
    }

    @Test
    void optionsRejectFramesBelowFourMebibytes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> ServerOptions.defaults().withMaxFrameBytes(1 << 20)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ServerOptions.defaults().maxFrameBytes()).isGreaterThan(4 << 20);
        assertThat(ServerOptions.defaults().withListen("[::1]:8080").host()).isEqualTo("::1");
    }
}
