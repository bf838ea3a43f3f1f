package io.stowage.images.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.images.Image;
import io.stowage.images.ImageStore;
import io.stowage.images.ImageStoreContract;
import io.stowage.metadata.MetadataDb;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalImageStoreTest implements ImageStoreContract {
    @TempDir
    Path root;

    private MetadataDb db;
    private LocalImageStore store;

    @BeforeEach
    void open() {
        db = MetadataDb.open(root.resolve("metadata.db"));
        store = LocalImageStore.open(db);
    }

    @AfterEach
    void close() {
        store.close();
        db.close();
    }

    @Override
    public ImageStore store() {
        return store;
    }

    @Test
    void imagesSurviveReopeningTheDatabase() {
        Image put = store.put(Image.of("kept:1", ImageStoreContract.target("k", INDEX), Map.of("a", "b"))).block(T);
        store.close();
        db.close();

        db = MetadataDb.open(root.resolve("metadata.db"));
        store = LocalImageStore.open(db);
        assertThat(store.get("kept:1").block(T)).isEqualTo(put);
    }
}
