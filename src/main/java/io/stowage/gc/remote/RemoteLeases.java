package io.stowage.gc.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.gc.Lease;
import io.stowage.gc.LeaseResource;
import io.stowage.gc.Leases;
import io.stowage.server.ContentJson;
import io.stowage.server.LeaseRoutes;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import io.stowage.net.JsonCalls;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * {@link Leases} that are the lease API ({@link LeaseRoutes}, {@code /v1/leases}) of a stowage server. A ttl is
 * sent in whole seconds, rounded up. Error responses become the {@link ContentException} of their JSON body; a
 * server that cannot be reached is UNAVAILABLE. Thread-safe; {@link #close()} releases the connection pool.
 */
public final class RemoteLeases implements Leases, AutoCloseable {
    private static final String PREFIX = "/v1/leases";

    private final URI address;
    private final ConnectionProvider pool;
    private final JsonCalls calls;

    private RemoteLeases(URI address) {
        this.address = address;
        this.pool = ConnectionProvider.builder("stowage-leases").maxConnections(8).build();
        this.calls = new JsonCalls(address, HttpClient.create(pool).baseUrl(address.toString()));
    }

    /** A client of the server at {@code address} ({@code http://HOST:PORT}); connects lazily. */
    public static RemoteLeases connect(URI address) {
        return new RemoteLeases(Objects.requireNonNull(address, "address"));
    }

    @Override
    public Mono<Lease> create(String id, Map<String, String> labels, Duration ttl) {
        return Mono.defer(() -> {
            ObjectNode body = ContentJson.mapper().createObjectNode();
            if (id != null) {
                body.put("id", id);
            }
            ObjectNode l = body.putObject("labels");
            (labels == null ? Map.<String, String>of() : labels).forEach(l::put);
            if (ttl != null) {
                body.put("expiry", Math.max(1, ttl.toSeconds() + (ttl.toNanosPart() > 0 ? 1 : 0)));
            }
            return call(HttpMethod.POST, PREFIX, ContentJson.toBytes(body));
        }).map(LeaseRoutes::readLease);
    }

    @Override
    public Mono<Void> delete(String id) {
        return Mono.defer(() -> call(HttpMethod.DELETE, PREFIX + "/" + encode(id), null)).then();
    }

    @Override
    public Flux<Lease> list() {
        return Mono.defer(() -> call(HttpMethod.GET, PREFIX, null)).flatMapIterable(a -> {
            List<Lease> out = new ArrayList<>();
            a.forEach(n -> out.add(LeaseRoutes.readLease(n)));
            return out;
        });
    }

    @Override
    public Mono<Void> addResource(String leaseId, LeaseResource resource) {
        return Mono.defer(() -> call(HttpMethod.PUT, resourceUri(leaseId, resource), null)).then();
    }

    @Override
    public Mono<Void> deleteResource(String leaseId, LeaseResource resource) {
        return Mono.defer(() -> call(HttpMethod.DELETE, resourceUri(leaseId, resource), null)).then();
    }

    @Override
    public Flux<LeaseResource> resources(String leaseId) {
        return Mono.defer(() -> call(HttpMethod.GET, PREFIX + "/" + encode(leaseId) + "/resources", null))
                .flatMapIterable(a -> {
                    List<LeaseResource> out = new ArrayList<>();
                    a.forEach(n -> out.add(new LeaseResource(n.path("type").asText(), n.path("id").asText())));
                    return out;
                });
    }

    @Override
    public void close() {
        pool.dispose();
    }

    private static String resourceUri(String leaseId, LeaseResource r) {
        return PREFIX + "/" + encode(leaseId) + "/resources?type=" + encode(r.type()) + "&id=" + encode(r.id());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Mono<JsonNode> call(HttpMethod method, String uri, byte[] body) {
        return calls.call(method, uri, body);
    }
}
