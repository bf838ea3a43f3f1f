package io.stowage.server;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stowage.images.ImageStore;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The image API over any {@link ImageStore}, in the style of the content API:
 * <pre>
 *   GET    /v1/images?filter=F&amp;filter=G   200 streamed JSON array of Image ({@link ImageJson})
 *   GET    /v1/images/{name}               200 Image
 *   PUT    /v1/images/{name}               200 Image as stored; body {"target":Descriptor,"labels":{...}}
 *   DELETE /v1/images/{name}               204
 * </pre>
 * The name is one percent-encoded path segment ({@code docker.io%2Flibrary%2Falpine:3.20}); unencoded
 * {@code /} are accepted too (the segments are joined again). Errors follow {@link ErrorMapping}. The store is not
 * owned. Thread-safe.
 */
public final class ImageRoutes implements RouteProvider {
    static final String PREFIX = "/v1/images";

    private final ImageStore images;
    private final int maxJsonBytes;

    private ImageRoutes(ImageStore images, int maxJsonBytes) {
        this.images = images;
        this.maxJsonBytes = maxJsonBytes;
    }

    /** Routes over {@code images} with the JSON limit of the default {@link ServerOptions}. */
    public static ImageRoutes of(ImageStore images) {
        return of(images, ServerOptions.defaults());
    }

    /** Routes over {@code images}, reading JSON bodies up to {@code options.maxJsonBytes()}. */
    public static ImageRoutes of(ImageStore images, ServerOptions options) {
        return new ImageRoutes(Objects.requireNonNull(images, "images"), options.maxJsonBytes());
    }

    @Override
    public void register(HttpServerRoutes routes) {
        Routes.under(routes, PREFIX, this::dispatch);
    }

    private Mono<Void> dispatch(HttpServerRequest req, HttpServerResponse res) {
        RequestTarget t = RequestTarget.parse(req.uri(), PREFIX);
        List<String> s = t.segments();
        HttpMethod m = req.method();
        if (s.isEmpty()) {
            if (m.equals(HttpMethod.GET)) {
                return Replies.jsonArray(req, res, images.list(t.all("filter")).map(ImageJson::image));
            }
            throw Routes.noRoute(req);
        }
        String name = String.join("/", s);
        if (m.equals(HttpMethod.GET)) {
            return images.get(name).flatMap(i -> Replies.json(res, HttpResponseStatus.OK, ImageJson.image(i)));
        }
        if (m.equals(HttpMethod.PUT)) {
            return Bodies.json(req, maxJsonBytes)
                    .map(body -> ImageJson.readImage(body, name))
                    .flatMap(images::put)
                    .flatMap(i -> Replies.json(res, HttpResponseStatus.OK, ImageJson.image(i)));
        }
        if (m.equals(HttpMethod.DELETE)) {
            return images.delete(name).then(Replies.noContent(res));
        }
        throw Routes.noRoute(req);
    }
}
