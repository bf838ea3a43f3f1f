package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.content.ContentException;
import io.stowage.server.ErrorMapping;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import reactor.netty.http.client.HttpClient;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

/**
 * {@code stowage gc [--dry-run] [--json]}: runs a collection on the server ({@code POST /v1/gc}) and prints what it
 * freed: one summary line and one line per removed blob and aborted ingest, or the server's JSON report.
 */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = "Collect garbage on the server: remove unreferenced blobs and expired ingests.")
final class GcCommand implements Callable<Integer> {
    static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    Main main;

    @Option(names = "--dry-run", description = "Report what would be removed without removing anything.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the server's JSON report.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        URI address = main.address();
        Tuple2<Integer, String> response = HttpClient.create()
                .responseTimeout(TIMEOUT)
                .post()
                .uri(address.resolve("/v1/gc" + (dryRun ? "?dry-run=true" : "")).toString())
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> Tuples.of(res.status().code(), text)))
                .block(TIMEOUT);
        if (response.getT1() / 100 != 2) {
            throw ErrorMapping.fromWire(response.getT1(), response.getT2().getBytes(StandardCharsets.UTF_8));
        }
        PrintStream out = main.env().out();
        if (json) {
            out.println(response.getT2().strip());
            return 0;
        }
        JsonNode r;
        try {
            r = JSON.readTree(response.getT2());
        } catch (IOException e) {
            throw ContentException.internal("POST /v1/gc: a body that is not JSON", e);
        }
        String verb = dryRun ? "would remove" : "removed";
        out.printf("%s %d blobs (%s), %s %d expired ingests, %d blobs in use, %d ms%n", verb,
                r.path("blobsRemoved").asLong(), Formats.bytes(r.path("bytesFreed").asLong()),
                dryRun ? "would abort" : "aborted", r.path("ingestsAborted").size(), r.path("marked").asLong(),
                r.path("durationMs").asLong());
        for (JsonNode d : r.path("removed")) {
            out.println("blob " + d.asText());
        }
        for (JsonNode ref : r.path("ingestsAborted")) {
            out.println("ingest " + ref.asText());
        }
        return 0;
    }
}
