package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.content.ContentException;
import io.stowage.server.ErrorMapping;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import reactor.netty.http.client.HttpClient;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

/** {@code stowage plugins}: the server's plugins as {@code TYPE ID STATUS ERROR}, from {@code GET /v1/plugins}. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the server's plugins with their status and, when not ok, why.")
final class PluginsCommand implements Callable<Integer> {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    Main main;

    @picocli.CommandLine.Mixin
    ServerLogin login;

    @Override
    public Integer call() throws IOException {
        URI address = main.address();
        Tuple2<Integer, String> response = main.security(login).configure(HttpClient.create(), address)
                .responseTimeout(TIMEOUT)
                .get()
                .uri(address.resolve("/v1/plugins").toString())
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> Tuples.of(res.status().code(), text)))
                .block(TIMEOUT);
        JsonNode json = parse(response.getT1(), response.getT2());
        TextTable table = new TextTable("TYPE", "ID", "STATUS", "ERROR");
        for (JsonNode p : json) {
            table.row(p.path("type").asText(), p.path("id").asText(), p.path("status").asText(),
                    p.path("error").isTextual() ? p.path("error").asText() : "-");
        }
        table.print(main.env().out());
        return 0;
    }

    private static JsonNode parse(int status, String body) {
        if (status / 100 != 2) {
            throw ErrorMapping.fromWire(status, body.getBytes(StandardCharsets.UTF_8));
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw ContentException.internal("GET /v1/plugins: HTTP " + status + " with a body that is not JSON", e);
        }
        if (!json.isArray()) {
            throw ContentException.internal("GET /v1/plugins: expected a JSON array, got " + json.getNodeType(), null);
        }
        return json;
    }
}
