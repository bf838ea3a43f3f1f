package io.stowage.plugin.builtin;

import io.stowage.content.local.LocalContentStore;
import io.stowage.plugin.InitContext;
import io.stowage.plugin.Plugin;
import io.stowage.plugin.PluginTypes;
import io.stowage.metadata.MetadataDb;
import java.nio.file.Path;
import java.util.List;
import reactor.core.scheduler.Schedulers;

/**
 * {@code content/local}: a {@link LocalContentStore} at the root directory, or at {@code path} of its section
 * (relative to the root, or absolute), limited to {@code maxSize} bytes when given ({@link ConfigSizes}; see
 * {@link io.stowage.content.local.StoreSpace}); {@code verifyOnRead: true} makes every whole-blob read re-hash its
 * bytes (a corrupt blob's read fails instead of ending cleanly); {@code directWrites} (default true) writes ingest data
 * past the page cache where the file system allows it. Its instance is the store; the registry closes it.
 */
public final class LocalContentPlugin implements Plugin {
    /** The section {@code plugins.content.local}. */
    record Config(String path, Boolean verifyOnRead, String maxSize, Boolean directWrites) {
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
    public List<String> requires() {
        return List.of(PluginTypes.METADATA);
    }

    @Override
    public Object init(InitContext context) {
        Config config = context.config(Config.class);
        Path dir = config.path() == null ? context.root() : context.root().resolve(config.path());
        long maxSize = ConfigSizes.parse("maxSize", config.maxSize(), -1);
        LocalContentStore store = LocalContentStore.open(dir, Schedulers.boundedElastic(),
                context.instance(PluginTypes.METADATA, MetadataDb.class),
                Boolean.TRUE.equals(config.verifyOnRead()), !Boolean.FALSE.equals(config.directWrites()));
        if (maxSize > 0) {
            store.limitSize(maxSize);
        }
        return store;
    }
}
