package io.stowage.plugin.builtin;

import io.stowage.content.ContentStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.plugin.InitContext;
import io.stowage.plugin.Plugin;
import io.stowage.plugin.PluginTypes;
import io.stowage.registry.RegistryOptions;
import io.stowage.registry.RegistryRoutes;
import java.util.List;

/**
 * {@code service/registry}: the OCI Distribution API ({@code /v2/}) over the one content store, with repositories,
 * tags and referrers in the shared metadata database. Its section may set {@code deleteEnabled} (blob deletes,
 * default false) and {@code maxManifestBytes}.
 */
public final class RegistryServicePlugin implements Plugin {
    /** The section {@code plugins.service.registry}; null values keep the defaults of {@link RegistryOptions}. */
    record Config(Boolean deleteEnabled, Integer maxManifestBytes) {
    }

    @Override
    public String type() {
        return PluginTypes.SERVICE;
    }

    @Override
    public String id() {
        return "registry";
    }

    @Override
    public List<String> requires() {
        return List.of(PluginTypes.CONTENT, PluginTypes.METADATA);
    }

    @Override
    public Object init(InitContext context) {
        Config config = context.config(Config.class);
        RegistryOptions options = RegistryOptions.defaults();
        if (config.deleteEnabled() != null) {
            options = options.withDeleteEnabled(config.deleteEnabled());
        }
        if (config.maxManifestBytes() != null) {
            options = options.withMaxManifestBytes(config.maxManifestBytes());
        }
        return RegistryRoutes.of(context.instance(PluginTypes.CONTENT, ContentStore.class),
                context.instance(PluginTypes.METADATA, MetadataDb.class), options);
    }
}
