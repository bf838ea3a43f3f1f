package io.stowage.plugin.builtin;

import io.stowage.images.local.LocalImageStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.plugin.InitContext;
import io.stowage.plugin.Plugin;
import io.stowage.plugin.PluginTypes;
import java.util.List;

/** {@code images/sqlite}: a {@link LocalImageStore} in the shared metadata database (table {@code images}). */
public final class SqliteImagesPlugin implements Plugin {
    @Override
    public String type() {
        return PluginTypes.IMAGES;
    }

    @Override
    public String id() {
        return "sqlite";
    }

    @Override
    public List<String> requires() {
        return List.of(PluginTypes.METADATA);
    }

    @Override
    public Object init(InitContext context) {
        return LocalImageStore.open(context.instance(PluginTypes.METADATA, MetadataDb.class));
    }
}
