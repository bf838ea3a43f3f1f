package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
