package io.stowage.plugin.builtin;

import io.stowage.content.ContentStore;
import io.stowage.content.local.LocalContentStore;
import io.stowage.gc.GarbageCollector;
import io.stowage.gc.GcOptions;
import io.stowage.gc.GcReport;
import io.stowage.gc.ScheduledCollector;
import io.stowage.metadata.MetadataDb;
import io.stowage.plugin.InitContext;
import io.stowage.plugin.Plugin;
import io.stowage.plugin.PluginSkippedException;
import io.stowage.plugin.PluginTypes;
import java.time.Duration;
import java.util.List;

/**
 * {@code gc/scheduler}: the {@link GarbageCollector} of the local content store and the metadata database, run
 * every {@code interval} of its section {@code plugins.gc.scheduler} (absent: only on demand), aborting ingests
 * untouched for {@code ingestExpiry} (default 24h), and evicting unreferenced content least recently read first when a
 * write does not fit in the store's quota ({@code maxSize} of {@code content/local}). Skipped when the content store is not local. Its instance is a
 * {@link ScheduledCollector}; the registry closes it, which stops the schedule.
 */
public final class GcSchedulerPlugin implements Plugin {
    /** The section {@code plugins.gc.scheduler}. */
    record Config(String interval, String ingestExpiry) {
    }

    @Override
    public String type() {
        return PluginTypes.GC;
    }

    @Override
    public String id() {
        return "scheduler";
    }

    @Override
    public List<String> requires() {
        return List.of(PluginTypes.CONTENT, PluginTypes.METADATA);
    }

    @Override
    public Object init(InitContext context) {
        Config config = context.config(Config.class);
        ContentStore content = context.instance(PluginTypes.CONTENT, ContentStore.class);
        if (!(content instanceof LocalContentStore local)) {
            throw new PluginSkippedException("the content store is not local: " + content.getClass().getName());
        }
        GcOptions options = GcOptions.defaults().withIngestExpiry(ConfigDurations.parse("ingestExpiry",
                config.ingestExpiry(), GcOptions.defaults().ingestExpiry()));
        Duration interval = ConfigDurations.parse("interval", config.interval(), null);
        GarbageCollector gc = GarbageCollector.local(local, context.instance(PluginTypes.METADATA, MetadataDb.class),
                options);
        // over the quota of the store (content/local maxSize), a write evicts unreferenced content through this
        local.space().evictWith(bytes -> gc.evict(bytes).map(GcReport::bytesFreed));
        return ScheduledCollector.start(gc, interval);
    }
}
