package io.stowage.transfer;

import io.stowage.content.local.LocalContentStore;
import java.nio.file.Path;
import java.time.Duration;

/** A pull in its own JVM, for the kill -9 test: {@code PullMain STORE_ROOT REF}. */
public final class PullMain {
    private PullMain() {
    }

    public static void main(String[] args) {
        LocalContentStore store = LocalContentStore.open(Path.of(args[0]));
        try (Puller puller = Puller.create(store, null, TransferOptions.defaults().withPlainHttp(true))) {
            puller.pull(Reference.parse(args[1])).block(Duration.ofMinutes(5));
        }
        store.close();
        System.exit(0);
    }
}
