package io.stowage.images.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.images.Image;
import io.stowage.images.ImageStore;
import io.stowage.net.ClientSecurity;
import io.stowage.server.ContentJson;
import io.stowage.server.ErrorMapping;
import io.stowage.server.ImageJson;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import io.stowage.net.JsonCalls;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * An {@link ImageStore} that is the image API ({@code /v1/images}) of a stowage server. Error responses become the
 * {@link ContentException} of their JSON body ({@link ErrorMapping#fromWire}); a server that cannot be reached is
 * UNAVAILABLE. Thread-safe; {@link #close()} releases the connection pool.
 */
public final class RemoteImageStore implements ImageStore {
    private static final String PREFIX = "/v1/images";

    private final URI address;
    private final ConnectionProvider pool;
    private final JsonCalls calls;

    private RemoteImageStore(URI address, ClientSecurity security) {
        this.address = address;
        this.pool = ConnectionProvider.builder("stowage-images").maxConnections(16).build();
        this.calls = new JsonCalls(address, security.configure(HttpClient.create(pool).baseUrl(address.toString()), address));
    }

    /** A client of the server at {@code address} ({@code http://HOST:PORT}); connects lazily. */
    public static RemoteImageStore connect(URI address) {
        return connect(address, ClientSecurity.none());
    }

    /**
     * A client of the server at {@code address} ({@code http://} or {@code https://HOST:PORT}), checking its
     * certificate and sending credentials as {@code security} says; reads the CA file now (blocking).
     */
    public static RemoteImageStore connect(URI address, ClientSecurity security) {
        return new RemoteImageStore(Objects.requireNonNull(address, "address"),
                Objects.requireNonNull(security, "security"));
    }

    @Override
    public Mono<Image> get(String name) {
        return Mono.defer(() -> call(HttpMethod.GET, path(name), null)).map(n -> ImageJson.readImage(n, null));
    }

    @Override
    public Flux<Image> list(List<String> filters) {
        return Mono.defer(() -> {
            StringBuilder uri = new StringBuilder(PREFIX);
            char sep = '?';
            for (String f : filters) {
                uri.append(sep).append("filter=").append(URLEncoder.encode(f, StandardCharsets.UTF_8));
                sep = '&';
            }
            return call(HttpMethod.GET, uri.toString(), null);
        }).flatMapIterable(array -> {
            if (!array.isArray()) {
                throw ContentException.internal("GET " + PREFIX + ": expected a JSON array", null);
            }
            List<Image> out = new ArrayList<>();
            array.forEach(n -> out.add(ImageJson.readImage(n, null)));
            return out;
        });
    }

    @Override
    public Mono<Image> put(Image image) {
        return Mono.defer(() -> {
            var body = ContentJson.mapper().createObjectNode();
            body.set("target", ImageJson.descriptor(image.target()));
            body.set("labels", ImageJson.image(image).get("labels"));
            return call(HttpMethod.PUT, path(image.name()), ContentJson.toBytes(body));
        }).map(n -> ImageJson.readImage(n, null));
    }

    @Override
    public Mono<Void> delete(String name) {
        return Mono.defer(() -> call(HttpMethod.DELETE, path(name), null)).then();
    }

    @Override
    public void close() {
        pool.dispose();
    }

    private static String path(String name) {
        Image.validateName(name);
        return PREFIX + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Mono<JsonNode> call(HttpMethod method, String uri, byte[] body) {
        return calls.call(method, uri, body);
    }
}
