package io.stowage.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stowage.content.ContentException;
import io.stowage.content.Refs;
import io.stowage.gc.Lease;
import io.stowage.gc.LeaseResource;
import io.stowage.gc.Leases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * Leases over HTTP, so that a client of the server (the CLI's pull) protects what it writes until it references
 * it, as containerd's lease service does:
 * <pre>
 *   POST   /v1/leases                                201 Lease; body {"id"?:"..","labels"?:{..},"expiry"?:S}
 *   GET    /v1/leases                                200 [Lease]
 *   DELETE /v1/leases/{id}                           204 (404 when there is none)
 *   GET    /v1/leases/{id}/resources                 200 [{"type":"content"|"ingest","id":".."}]
 *   PUT    /v1/leases/{id}/resources?type=T&amp;id=R     204 (idempotent; 404 without the lease)
 *   DELETE /v1/leases/{id}/resources?type=T&amp;id=R     204 (idempotent)
 * </pre>
 * A Lease is {@code {"id","labels","createdAt","expiresAt"}} (expiresAt null: until deleted); {@code expiry} is in
 * whole seconds. Lease ids are 1 to 256 bytes. Errors follow {@link ErrorMapping}. Thread-safe.
 */
public final class LeaseRoutes implements RouteProvider {
    static final String PREFIX = "/v1/leases";

    private final Leases leases;
    private final int maxJsonBytes;

    private LeaseRoutes(Leases leases, int maxJsonBytes) {
        this.leases = leases;
        this.maxJsonBytes = maxJsonBytes;
    }

    /** Routes over {@code leases} (not owned). */
    public static LeaseRoutes of(Leases leases) {
        return new LeaseRoutes(Objects.requireNonNull(leases, "leases"), ServerOptions.defaults().maxJsonBytes());
    }

    @Override
    public void register(HttpServerRoutes routes) {
        Routes.under(routes, PREFIX, this::dispatch);
    }

    private Mono<Void> dispatch(HttpServerRequest req, HttpServerResponse res) {
        RequestTarget t = RequestTarget.parse(req.uri(), PREFIX);
        List<String> s = t.segments();
        HttpMethod m = req.method();
        if (s.isEmpty() && m.equals(HttpMethod.POST)) {
            return Bodies.json(req, maxJsonBytes).defaultIfEmpty(JsonNodeFactory.instance.objectNode())
                    .flatMap(this::create)
                    .flatMap(l -> Replies.json(res, HttpResponseStatus.CREATED, json(l)));
        }
        if (s.isEmpty() && m.equals(HttpMethod.GET)) {
            return Replies.jsonArray(req, res, leases.list().map(LeaseRoutes::json));
        }
        if (s.size() == 1 && m.equals(HttpMethod.DELETE)) {
            return leases.delete(Refs.validate(s.get(0))).then(Replies.noContent(res));
        }
        if (s.size() == 2 && s.get(1).equals("resources")) {
            String id = Refs.validate(s.get(0));
            if (m.equals(HttpMethod.GET)) {
                return Replies.jsonArray(req, res, leases.resources(id).map(LeaseRoutes::json));
            }
            if (m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE)) {
                LeaseResource r = resource(t);
                return (m.equals(HttpMethod.PUT) ? leases.addResource(id, r) : leases.deleteResource(id, r))
                        .then(Replies.noContent(res));
            }
        }
        throw Routes.noRoute(req);
    }

    private Mono<Lease> create(JsonNode body) {
        if (!body.isObject()) {
            throw ContentException.invalidArgument("lease: expected a JSON object");
        }
        JsonNode id = body.get("id");
        if (id != null && !id.isNull() && !id.isTextual()) {
            throw ContentException.invalidArgument("lease: \"id\" must be a string");
        }
        String leaseId = id == null || id.isNull() ? null : Refs.validate(id.textValue());
        JsonNode expiry = body.get("expiry");
        Duration ttl = null;
        if (expiry != null && !expiry.isNull()) {
            if (!expiry.canConvertToLong() || expiry.asLong() <= 0) {
                throw ContentException.invalidArgument("lease: \"expiry\" must be a positive number of seconds");
            }
            ttl = Duration.ofSeconds(expiry.asLong());
        }
        return leases.create(leaseId, ContentJson.labels(body.get("labels")), ttl);
    }

    private static LeaseResource resource(RequestTarget t) {
        String type = t.single("type");
        String id = t.single("id");
        if (type == null || id == null) {
            throw ContentException.invalidArgument("lease resource: type and id are required");
        }
        return new LeaseResource(type, id);
    }

    /** A lease as the wire shows it. */
    public static ObjectNode json(Lease l) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("id", l.id());
        ObjectNode labels = n.putObject("labels");
        new java.util.TreeMap<>(l.labels()).forEach(labels::put);
        n.put("createdAt", l.createdAt().toString());
        if (l.expiresAt() == null) {
            n.putNull("expiresAt");
        } else {
            n.put("expiresAt", l.expiresAt().toString());
        }
        return n;
    }

    /** A lease from its wire form. */
    public static Lease readLease(JsonNode n) {
        String exp = n.path("expiresAt").isTextual() ? n.get("expiresAt").asText() : null;
        return new Lease(n.path("id").asText(), ContentJson.labels(n.get("labels")),
                Instant.parse(n.path("createdAt").asText()), exp == null ? null : Instant.parse(exp));
    }

    private static ObjectNode json(LeaseResource r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("type", r.type());
        n.put("id", r.id());
        return n;
    }
}
