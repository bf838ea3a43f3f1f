package io.stowage.transfer;

import io.stowage.content.ContentStore;
import io.stowage.content.Descriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Test images and the Debian registry for tests outside this package. */
public final class TransferTestImages {
    private TransferTestImages() {
    }

    /** An index over one manifest per platform with random layers, committed into {@code store}; its root. */
    public static Descriptor index(ContentStore store, long seed, List<Platform> platforms, int... layerSizes) {
        return TestImages.index(store, seed, platforms, layerSizes).root();
    }

    /** Starts the Debian registry (or skips the test); the process to close, and its {@code HOST:PORT}. */
    public static Map.Entry<AutoCloseable, String> startRegistry(Path dir) throws Exception {
        RegistryProcess r = RegistryProcess.start(dir);
        return Map.entry(r, r.host());
    }
}
