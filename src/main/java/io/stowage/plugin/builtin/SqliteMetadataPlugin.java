package io.stowage.plugin.builtin;

import io.stowage.metadata.MetadataDb;
import io.stowage.plugin.InitContext;
import io.stowage.plugin.Plugin;
import io.stowage.plugin.PluginTypes;
import java.nio.file.Path;

/**
 * {@code metadata/sqlite}: the one {@link MetadataDb} of a stowage root ({@code metadata.db} under it, or at
 * {@code path} of its section), shared by the content store, the registry API and the image store so that labels,
 * tags and images live in one transactional database. The registry closes it.
 */
public final class SqliteMetadataPlugin implements Plugin {
    /** The section {@code plugins.metadata.sqlite}. */
    record Config(String path) {
    }

    @Override
    public String type() {
        return PluginTypes.METADATA;
    }

    @Override
    public String id() {
        return "sqlite";
    }

    @Override
    public Object init(InitContext context) {
        Config config = context.config(Config.class);
        Path file = context.root().resolve(config.path() == null ? "metadata.db" : config.path());
        return MetadataDb.open(file);
    }
}
