package io.stowage.plugin;

/** The plugin types stowage knows of. Plugins may define others; these are the ones its own plugins use. */
public final class PluginTypes {
    /** A {@link io.stowage.content.ContentStore}. */
    public static final String CONTENT = "content";
    /** The shared {@link io.stowage.metadata.MetadataDb}. */
    public static final String METADATA = "metadata";
    /** An {@link io.stowage.images.ImageStore}. */
    public static final String IMAGES = "images";
    /** A {@link io.stowage.gc.GarbageCollector} (containerd's {@code io.containerd.gc.v1}). */
    public static final String GC = "gc";
    /** Something the server exposes; instances implementing {@code io.stowage.server.RouteProvider} are served. */
    public static final String SERVICE = "service";

    private PluginTypes() {
    }
}
