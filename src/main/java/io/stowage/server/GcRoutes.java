package io.stowage.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.gc.GarbageCollector;
import io.stowage.gc.GcReport;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The collection trigger:
 * <pre>
 *   POST /v1/gc[?dry-run=true]   200 {"dryRun":false,"blobsRemoved":2,"bytesFreed":1234,"removed":["sha256:.."],
 *                                     "ingestsAborted":["ref"],"marked":10,"durationMs":12}
 * </pre>
 * A collection already running answers 503 (UNAVAILABLE). Errors follow {@link ErrorMapping}. Thread-safe.
 */
public final class GcRoutes implements RouteProvider {
    static final String PREFIX = "/v1/gc";

    private final GarbageCollector collector;

    private GcRoutes(GarbageCollector collector) {
        this.collector = collector;
    }

    /** Routes over {@code collector} (not owned). */
    public static GcRoutes of(GarbageCollector collector) {
        return new GcRoutes(Objects.requireNonNull(collector, "collector"));
    }

    @Override
    public void register(HttpServerRoutes routes) {
        Routes.under(routes, PREFIX, this::collect);
    }

    private Mono<Void> collect(HttpServerRequest req, HttpServerResponse res) {
        RequestTarget t = RequestTarget.parse(req.uri(), PREFIX);
        if (!t.segments().isEmpty() || !req.method().equals(HttpMethod.POST)) {
            throw Routes.noRoute(req);
        }
        String dry = t.single("dry-run");
        if (dry != null && !dry.equals("true") && !dry.equals("false")) {
            throw ContentException.invalidArgument("dry-run: want true or false, got " + dry);
        }
        return collector.collect("true".equals(dry))
                .flatMap(r -> Replies.json(res, HttpResponseStatus.OK, json(r)));
    }

    /** The report as the wire shows it. */
    public static ObjectNode json(GcReport r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("dryRun", r.dryRun());
        n.put("blobsRemoved", r.blobsRemoved());
        n.put("bytesFreed", r.bytesFreed());
        ArrayNode removed = n.putArray("removed");
        for (Digest d : r.removed()) {
            removed.add(d.toString());
        }
        ArrayNode aborted = n.putArray("ingestsAborted");
        r.ingestsAborted().forEach(aborted::add);
        n.put("marked", r.marked());
        n.put("durationMs", r.duration().toMillis());
        return n;
    }
}
