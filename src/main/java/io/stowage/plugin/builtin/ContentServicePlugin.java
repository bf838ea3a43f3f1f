package io.stowage.plugin.builtin;

import io.stowage.content.ContentStore;
import io.stowage.plugin.Durations;
import io.stowage.plugin.InitContext;
import io.stowage.plugin.Plugin;
import io.stowage.plugin.PluginException;
import io.stowage.plugin.PluginTypes;
import io.stowage.server.ContentRoutes;
import io.stowage.server.ServerOptions;
import java.util.List;

/**
 * {@code service/content}: the content API ({@link ContentRoutes}) over the one {@code content} plugin's store.
 * Its section may set {@code maxFrameBytes} (largest WebSocket frame of a write session, at least 4 MiB) and
 * {@code maxJsonBytes} (largest JSON body or text frame) and {@code idleTimeout} (how long a PUT body or a write
 * session may wait for its client's next bytes before the writer is closed and the lock released; default 60 s).
 */
public final class ContentServicePlugin implements Plugin {
    /** The section {@code plugins.service.content}; null values keep the defaults of {@link ServerOptions}. */
    record Config(Integer maxFrameBytes, Integer maxJsonBytes, String idleTimeout) {
    }

    @Override
    public String type() {
        return PluginTypes.SERVICE;
    }

    @Override
    public String id() {
        return "content";
    }

    @Override
    public List<String> requires() {
        return List.of(PluginTypes.CONTENT);
    }

    @Override
    public Object init(InitContext context) {
        Config config = context.config(Config.class);
        ServerOptions options = ServerOptions.defaults();
        if (config.maxFrameBytes() != null) {
            options = options.withMaxFrameBytes(config.maxFrameBytes());
        }
        if (config.maxJsonBytes() != null) {
            options = options.withMaxJsonBytes(config.maxJsonBytes());
        }
        if (config.idleTimeout() != null) {
            try {
                options = options.withIdleTimeout(Durations.parsePositive(config.idleTimeout()));
            } catch (IllegalArgumentException e) {
                throw new PluginException("config plugins.service.content.idleTimeout: " + e.getMessage(), e);
            }
        }
        return ContentRoutes.of(context.instance(PluginTypes.CONTENT, ContentStore.class), options);
    }
}
