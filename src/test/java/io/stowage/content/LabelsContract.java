package io.stowage.content;

import static io.stowage.content.Await.await;
import static io.stowage.content.Await.awaitError;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Labels: set on commit, replaced or changed key by key with {@code update}, limited to 4096 bytes per key and
 * value. Part of {@link ContentStoreContract}.
 */
public interface LabelsContract extends StoreUnderTest {

    private static Info commit(ContentStore store, Blob blob, Map<String, String> labels) {
        Writer w = await(store.writer("labels-" + blob.digest().shortHex(), blob.size(), blob.digest()));
        await(w.write(blob.chunks(100)));
        return await(w.commit(0, null, labels));
    }

    @Test
    default void labelsUpdateWithAndWithoutFieldpaths(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob c1 = Blob.random(256, 901);
        String rootTime = "2024-05-06T07:08:09Z";
        Map<String, String> labels = new HashMap<>(Map.of("k1", "v1", "k2", "v2", "containerd.io/gc.root", rootTime));

        Instant preCommit = Instant.now();
        Info committed = commit(store, c1, labels);
        Instant postCommit = Instant.now();
        assertThat(await(store.info(c1.digest()))).isEqualTo(committed);
        assertThat(committed.labels()).isEqualTo(labels);
        assertThat(committed.createdAt()).isBetween(preCommit, postCommit);

        // no field paths: all labels replaced
        labels.put("k1", "newvalue");
        labels.remove("k2");
        labels.put("k3", "v3");
        Instant preUpdate = Instant.now();
        Info updated = await(store.update(Info.ofLabels(c1.digest(), labels)));
        Instant postUpdate = Instant.now();
        Info info = await(store.info(c1.digest()));
        assertThat(info).isEqualTo(updated);
        assertThat(info.labels()).isEqualTo(Map.of("k1", "newvalue", "k3", "v3", "containerd.io/gc.root", rootTime));
        assertThat(info.size()).isEqualTo(256);
        assertThat(info.createdAt()).as("update keeps createdAt").isEqualTo(committed.createdAt());
        assertThat(info.updatedAt()).isBetween(preUpdate, postUpdate).isAfter(committed.updatedAt());

        // labels.KEY field paths: k3 is absent from the given labels (removed), k1 is set; others stay
        Map<String, String> given = Map.of("k1", "v1", "containerd.io/gc.root", rootTime);
        preUpdate = Instant.now();
        Info second = await(store.update(Info.ofLabels(c1.digest(), given), "labels.k3", "labels.k1"));
        postUpdate = Instant.now();
        info = await(store.info(c1.digest()));
        assertThat(info).isEqualTo(second);
        assertThat(info.labels()).isEqualTo(Map.of("k1", "v1", "containerd.io/gc.root", rootTime));
        assertThat(info.createdAt()).isEqualTo(committed.createdAt());
        assertThat(info.updatedAt()).isBetween(preUpdate, postUpdate).isAfter(updated.updatedAt());
    }

    @Test
    default void updateOfOneKeyLeavesTheOthers(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(300, 911);
        commit(store, blob, Map.of("a", "1", "b", "2"));

        Info added = await(store.update(Info.ofLabels(blob.digest(), Map.of("c", "3", "a", "ignored")), "labels.c"));
        assertThat(added.labels()).isEqualTo(Map.of("a", "1", "b", "2", "c", "3"));

        Info removed = await(store.update(Info.ofLabels(blob.digest(), Map.of()), "labels.b", "labels.absent"));
        assertThat(removed.labels()).isEqualTo(Map.of("a", "1", "c", "3"));

        Info replaced = await(store.update(Info.ofLabels(blob.digest(), Map.of("z", "26")), "labels"));
        assertThat(replaced.labels()).isEqualTo(Map.of("z", "26"));

        Info cleared = await(store.update(Info.ofLabels(blob.digest(), Map.of())));
        assertThat(cleared.labels()).isEmpty();
        assertThat(await(store.info(blob.digest())).labels()).isEmpty();
    }

    @Test
    default void updateOfAnImmutableFieldIsInvalidArgument(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(300, 921);
        Info committed = commit(store, blob, Map.of("a", "1"));
        for (String field : new String[] {"size", "digest", "createdAt", "updatedAt", "labels."}) {
            awaitError(store.update(Info.ofLabels(blob.digest(), Map.of("a", "2")), field),
                    ErrorCode.INVALID_ARGUMENT);
        }
        assertThat(await(store.info(blob.digest()))).isEqualTo(committed);
    }

    @Test
    default void labelsOver4096BytesAreInvalidArgument(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(300, 931);
        String key = "big";
        String fits = "v".repeat(Labels.MAX_LABEL_BYTES - key.length());
        String tooBig = fits + "v";

        Writer w = await(store.writer("big-label", blob.size(), blob.digest()));
        await(w.write(blob.chunks(100)));
        awaitError(w.commit(0, null, Map.of(key, tooBig)), ErrorCode.INVALID_ARGUMENT);
        awaitError(store.info(blob.digest()), ErrorCode.NOT_FOUND);

        Writer again = await(store.writer("big-label", blob.size(), blob.digest()));
        assertThat(await(again.status()).offset()).as("a rejected commit keeps the ingest").isEqualTo(blob.size());
        Info info = await(again.commit(0, null, Map.of(key, fits)));
        assertThat(info.labels()).containsEntry(key, fits);

        awaitError(store.update(Info.ofLabels(blob.digest(), Map.of(key, tooBig))), ErrorCode.INVALID_ARGUMENT);
        awaitError(store.update(Info.ofLabels(blob.digest(), Map.of(key, tooBig)), "labels." + key),
                ErrorCode.INVALID_ARGUMENT);
        String multiByte = "é".repeat(Labels.MAX_LABEL_BYTES / 2);
        awaitError(store.update(Info.ofLabels(blob.digest(), Map.of("k", multiByte)), "labels.k"),
                ErrorCode.INVALID_ARGUMENT);
        assertThat(await(store.info(blob.digest())).labels()).isEqualTo(Map.of(key, fits));
    }
}
