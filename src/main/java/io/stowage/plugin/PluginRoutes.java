package io.stowage.plugin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.stowage.server.RouteProvider;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * Serves {@code GET /v1/plugins}: a JSON array with one {@code {"type","id","requires","status","error"}} per
 * plugin, in initialisation order ({@code error} is null for {@code ok} plugins). The list is read at each request
 * from the supplier, so it is current. Thread-safe; never blocks.
 */
public final class PluginRoutes implements RouteProvider {
    /** The path served. */
    public static final String PATH = "/v1/plugins";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<List<PluginInfo>> plugins;

    private PluginRoutes(Supplier<List<PluginInfo>> plugins) {
        this.plugins = plugins;
    }

    /** Routes listing what {@code plugins} supplies, e.g. {@link InitContext#plugins()}. */
    public static PluginRoutes of(Supplier<List<PluginInfo>> plugins) {
        return new PluginRoutes(Objects.requireNonNull(plugins, "plugins"));
    }

    @Override
    public void register(HttpServerRoutes routes) {
        routes.get(PATH, (req, res) -> {
            byte[] body = toJson(plugins.get());
            return res.header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                    .sendByteArray(Mono.just(body))
                    .then();
        });
    }

    /** The wire form of a plugin list. */
    static byte[] toJson(List<PluginInfo> list) {
        ArrayNode array = JSON.createArrayNode();
        for (PluginInfo p : list) {
            ObjectNode n = array.addObject();
            n.put("type", p.type());
            n.put("id", p.id());
            ArrayNode requires = n.putArray("requires");
            p.requires().forEach(requires::add);
            n.put("status", p.status().wireName());
            n.put("error", p.error());
        }
        try {
            return JSON.writeValueAsBytes(array);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the plugin list", e);
        }
    }
}
