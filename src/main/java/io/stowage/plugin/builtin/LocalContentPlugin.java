package io.stowage.plugin.builtin;

import io.stowage.content.local.LocalContentStore;
import io.stowage.plugin.InitContext;
import io.stowage.plugin.Plugin;
import io.stowage.plugin.PluginTypes;
import java.nio.file.Path;

/**
 * {@code content/local}: a {@link LocalContentStore} at the root directory, or at {@code path} of its section
 * (relative to the root, or absolute). Its instance is the store; the registry closes it.
 */
public final class LocalContentPlugin implements Plugin {
    /** The section {@code plugins.content.local}. */
    record Config(String path) {
    }

    @Override
    public String type() {
        return PluginTypes.CONTENT;
    }

    @Override
    public String id() {
        return "local";
    }

    @Override
    public Object init(InitContext context) {
        Config config = context.config(Config.class);
        Path dir = config.path() == null ? context.root() : context.root().resolve(config.path());
        return LocalContentStore.open(dir);
    }
}
