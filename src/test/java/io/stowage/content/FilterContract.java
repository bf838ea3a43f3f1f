package io.stowage.content;

import static io.stowage.content.Await.await;
import static io.stowage.content.Await.awaitAll;
import static io.stowage.content.Await.awaitError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code walk} and {@code listStatuses} with containerd's filter syntax: equality, inequality, regular
 * expressions, presence, quoted field paths, commas (AND) and several filters (OR). Part of
 * {@link ContentStoreContract}.
 */
public interface FilterContract extends StoreUnderTest {

    private static Digest commit(ContentStore store, String ref, Blob blob, Map<String, String> labels) {
        Writer w = await(store.writer(ref, 0, null));
        await(w.write(blob.chunks(100)));
        return await(w.commit(0, null, labels)).digest();
    }

    private static List<Digest> walk(ContentStore store, String... filters) {
        return awaitAll(store.walk(List.of(filters)).map(Info::digest));
    }

    @Test
    default void walkFilters(StoreFixture fx) {
        ContentStore store = fx.store();
        Digest a = commit(store, "a", Blob.random(100, 1001), Map.of("k", "v", "other", "x", "a.b/c", "dotted"));
        Digest b = commit(store, "b", Blob.random(200, 1002), Map.of("k", "w"));
        Digest c = commit(store, "c", Blob.random(200, 1003), Map.of());

        assertThat(walk(store)).containsExactlyInAnyOrder(a, b, c);
        assertThat(walk(store, "labels.\"k\"==v")).containsExactly(a);
        assertThat(walk(store, "labels.k==v")).containsExactly(a);
        assertThat(walk(store, "labels.k==\"w\"")).containsExactly(b);
        assertThat(walk(store, "labels.k!=v")).as("!= also matches an absent label").containsExactlyInAnyOrder(b, c);
        assertThat(walk(store, "labels.k~=^w")).containsExactly(b);
        assertThat(walk(store, "labels.k~=\"[vw]\"")).containsExactlyInAnyOrder(a, b);
        assertThat(walk(store, "labels.k")).as("presence").containsExactlyInAnyOrder(a, b);
        assertThat(walk(store, "labels.\"a.b/c\"==dotted")).containsExactly(a);
        assertThat(walk(store, "labels.missing")).isEmpty();
        assertThat(walk(store, "digest==" + b)).containsExactly(b);
        assertThat(walk(store, "size==200")).containsExactlyInAnyOrder(b, c);
        assertThat(walk(store, "size==100,labels.k==v")).as("comma is AND").containsExactly(a);
        assertThat(walk(store, "labels.k==v,labels.other==y")).isEmpty();
        assertThat(walk(store, "labels.k==v", "labels.k==w")).as("several filters are OR")
                .containsExactlyInAnyOrder(a, b);
        assertThat(walk(store, "digest==" + c, "labels.other==x", "labels.nothing")).containsExactlyInAnyOrder(a, c);
    }

    @Test
    default void unparseableFiltersAreInvalidArgument(StoreFixture fx) {
        ContentStore store = fx.store();
        commit(store, "a", Blob.random(100, 1011), Map.of("k", "v"));
        for (String bad : new String[] {"labels.\"unterminated==v", "==v", "labels.k==v,", "labels.k=v"}) {
            awaitError(store.walk(List.of(bad)), ErrorCode.INVALID_ARGUMENT);
            awaitError(store.listStatuses(List.of(bad)), ErrorCode.INVALID_ARGUMENT);
        }
        awaitError(store.walk(List.of("labels.k==v", "labels.\"x")), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    default void listStatusesFilters(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(1000, 1021);
        Map<String, Integer> written = Map.of("prefix-one", 10, "prefix-two", 20, "other", 5);
        for (Map.Entry<String, Integer> e : written.entrySet()) {
            String ref = e.getKey();
            Writer w = await(store.writer(ref, ref.equals("other") ? 1000 : 0,
                    ref.equals("other") ? blob.digest() : null));
            await(w.write(blob.prefix(e.getValue()).chunks(100)));
            if (!ref.equals("prefix-two")) {
                await(w.close());
            }
        }

        assertThat(refs(store)).containsExactlyInAnyOrder("prefix-one", "prefix-two", "other");
        assertThat(refs(store, "ref~=\"^prefix\"")).containsExactlyInAnyOrder("prefix-one", "prefix-two");
        assertThat(refs(store, "ref~=^prefix")).containsExactlyInAnyOrder("prefix-one", "prefix-two");
        assertThat(refs(store, "ref==other")).containsExactly("other");
        assertThat(refs(store, "ref!=other")).containsExactlyInAnyOrder("prefix-one", "prefix-two");
        assertThat(refs(store, "expected==" + blob.digest())).containsExactly("other");
        assertThat(refs(store, "total==1000")).containsExactly("other");
        assertThat(refs(store, "offset==10")).containsExactly("prefix-one");
        assertThat(refs(store, "ref==other", "ref==prefix-two")).containsExactlyInAnyOrder("other", "prefix-two");
        assertThat(refs(store, "ref~=^prefix,offset==10")).containsExactly("prefix-one");
        assertThat(refs(store, "ref==nothing")).isEmpty();
    }

    private static List<String> refs(ContentStore store, String... filters) {
        return awaitAll(store.listStatuses(List.of(filters)).map(Status::ref));
    }
}
