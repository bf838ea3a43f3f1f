package io.stowage.content.local;

import io.stowage.content.ContentStore;
import io.stowage.content.ContentStoreContract;
import java.nio.file.Path;

/** The store contract run against {@link LocalContentStore}. */
class LocalContentStoreTest implements ContentStoreContract {
    @Override
    public ContentStore openStore(Path root) {
        return LocalContentStore.open(root);
    }
}
