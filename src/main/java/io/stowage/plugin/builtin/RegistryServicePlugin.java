package io.stowage.plugin.builtin;

import io.stowage.content.ContentStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.plugin.InitContext;
import io.stowage.plugin.Plugin;
import io.stowage.plugin.PluginTypes;
import io.stowage.plugin.PluginException;
import io.stowage.registry.MirrorRoute;
import io.stowage.registry.RegistryOptions;
import io.stowage.registry.RegistryRoutes;
import io.stowage.transfer.Credentials;
import io.stowage.transfer.TransferOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.scheduler.Schedulers;

/**
 * {@code service/registry}: the OCI Distribution API ({@code /v2/}) over the one content store, with repositories,
 * tags and referrers in the shared metadata database. Its section may set {@code deleteEnabled} (blob deletes,
 * default false), {@code maxManifestBytes}, and {@code mirrors}: pull-through upstreams per local repository
 * prefix ({@link MirrorRoute}).
 */
public final class RegistryServicePlugin implements Plugin {
    /** The section {@code plugins.service.registry}; null values keep the defaults of {@link RegistryOptions}. */
    record Config(Boolean deleteEnabled, Integer maxManifestBytes, List<MirrorConfig> mirrors) {
    }

    /**
     * One entry of {@code mirrors}: {@code upstream} ({@code host[:port]}) is required; {@code prefix} (default
     * empty: every repository), {@code upstreamPrefix}, {@code username} and {@code password} (both or neither),
     * {@code plainHttp} (default false) and {@code tagTtl} (default 5m) are optional.
     */
    record MirrorConfig(String prefix, String upstream, String upstreamPrefix, String username, String password,
                        Boolean plainHttp, String tagTtl) {
        MirrorRoute route(int i) {
            String key = "plugins.service.registry.mirrors[" + i + "]";
            if (upstream == null || upstream.isBlank()) {
                throw new PluginException(key + ".upstream: required (host[:port] of the upstream registry)");
            }
            if ((username == null) != (password == null)) {
                throw new PluginException(key + ": username and password go together");
            }
            try {
                return new MirrorRoute(prefix == null ? "" : prefix, upstream.strip(),
                        upstreamPrefix == null ? "" : upstreamPrefix,
                        username == null ? Credentials.anonymous() : Credentials.of(username, password),
                        plainHttp != null && plainHttp,
                        ConfigDurations.parse(key + ".tagTtl", tagTtl, Duration.ofMinutes(5)));
            } catch (IllegalArgumentException e) {
                throw new PluginException(key + ": " + e.getMessage());
            }
        }
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
        List<MirrorRoute> mirrors = new ArrayList<>();
        List<MirrorConfig> given = config.mirrors() == null ? List.of() : config.mirrors();
        for (int i = 0; i < given.size(); i++) {
            mirrors.add(given.get(i).route(i));
        }
        return RegistryRoutes.mirroring(context.instance(PluginTypes.CONTENT, ContentStore.class),
                context.instance(PluginTypes.METADATA, MetadataDb.class), options, Schedulers.boundedElastic(),
                mirrors, TransferOptions.defaults());
    }
}
