package io.stowage.content.remote;

import io.netty.util.ResourceLeakDetector;
import io.stowage.content.ContentStore;
import io.stowage.content.ContentStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract run against {@link RemoteContentStore}, through a real server (Reactor Netty, 127.0.0.1,
 * ephemeral port) serving a local store on the test's root; closing the store stops the server too.
 *
 * <p>Netty leak detection runs at "advanced" (sampled) here instead of the suite's "paranoid": WebSocket masking
 * touches every 8 bytes of a frame through the buffer API, and "paranoid" records a stack trace for each touch
 * of every buffer, so the contract's 32 MiB blob would take up to 30 s on each side of the socket. Leaks are
 * still reported; {@code RemoteWireTest} keeps "paranoid" for the client's buffer handling.
 */
class RemoteContentStoreTest implements ContentStoreContract {
    private static ResourceLeakDetector.Level suiteLevel;

    @BeforeAll
    static void sampleLeakDetection() {
        suiteLevel = ResourceLeakDetector.getLevel();
        if (suiteLevel == ResourceLeakDetector.Level.PARANOID) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.ADVANCED);
        }
    }

    @AfterAll
    static void restoreLeakDetection() {
        ResourceLeakDetector.setLevel(suiteLevel);
    }

    @Override
    public ContentStore openStore(Path root) {
        return ServedStore.open(root);
    }
}
