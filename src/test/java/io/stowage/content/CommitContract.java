package io.stowage.content;

import static io.stowage.content.Await.await;
import static io.stowage.content.Await.awaitError;
import static io.stowage.content.Await.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Commit: content that already exists, the commit error states and what stays after each, unchecked commits,
 * the declared total and digest, and the writer after commit. Part of {@link ContentStoreContract}.
 */
public interface CommitContract extends StoreUnderTest {

    private static void writeBlob(ContentStore store, String ref, Blob blob, Map<String, String> labels) {
        Ingests.writeBlob(store, ref, BlobSource.stream(() -> blob.chunks(1024)), blob.descriptor(), labels)
                .block(Await.TIMEOUT);
    }

    private static void assertRefLocked(ContentStore store, String ref) {
        awaitError(store.writer(ref, 0, null), ErrorCode.UNAVAILABLE);
    }

    private static void assertMentions(ContentException e, long number) {
        assertThat(e.getMessage()).as("message of %s", e)
                .containsPattern("(?<![0-9A-Za-z])" + Pattern.quote(Long.toString(number)) + "(?![0-9A-Za-z])");
    }

    @Test
    default void commitOfExistingContentIsAlreadyExistsWithAndWithoutExpectedDigest(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob c1 = Blob.random(256, 101);
        writeBlob(store, "c1", c1, Map.of("keep", "me"));
        Info before = await(store.info(c1.digest()));

        Digest[] expected = {c1.digest(), null};
        for (int i = 0; i < expected.length; i++) {
            String ref = "c1-commitexists-" + i;
            Writer w = await(store.writer(ref, 0, null));
            await(w.write(c1.chunks(100)));
            awaitError(w.commit(c1.size(), expected[i], Map.of("new", "label")), ErrorCode.ALREADY_EXISTS);
            await(w.close());

            awaitError(store.status(ref), ErrorCode.NOT_FOUND);
            Writer again = await(store.writer(ref, 0, null));
            assertThat(await(again.status()).offset()).as("ingest removed after ALREADY_EXISTS").isZero();
            await(again.close());
        }
        assertThat(await(store.info(c1.digest()))).as("existing content untouched").isEqualTo(before);
        assertThat(bytes(store.read(c1.digest()))).isEqualTo(c1.bytes());
    }

    @Test
    default void commitErrorStateSequence(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob c1 = Blob.random(256, 111);
        Blob d2 = Blob.random(256, 112);
        Blob c1more = c1.concat(Blob.of("more"));
        writeBlob(store, "c1", c1, Map.of());
        String ref = "c1-commiterror-state";

        // exists, with the digest
        Writer w = await(store.writer(ref, 0, null));
        await(w.write(c1.chunks(64)));
        assertRefLocked(store, ref);
        awaitError(w.commit(c1.size(), c1.digest(), Map.of()), ErrorCode.ALREADY_EXISTS);

        // exists, without the digest
        w = await(store.writer(ref, 0, null));
        assertThat(await(w.status()).offset()).isZero();
        assertRefLocked(store, ref);
        await(w.write(c1.chunks(64)));
        awaitError(w.commit(c1.size(), null, Map.of()), ErrorCode.ALREADY_EXISTS);
        await(w.close());

        // wrong digest: both digests in the message, the ingest stays resumable
        w = await(store.writer(ref, 0, null));
        assertRefLocked(store, ref);
        await(w.write(c1more.chunks(64)));
        ContentException wrongDigest = awaitError(w.commit(c1more.size(), d2.digest(), Map.of()),
                ErrorCode.FAILED_PRECONDITION);
        assertThat(wrongDigest.getMessage()).contains(d2.digest().toString()).contains(c1more.digest().toString());
        await(w.close());
        awaitError(store.info(d2.digest()), ErrorCode.NOT_FOUND);
        awaitError(store.info(c1more.digest()), ErrorCode.NOT_FOUND);

        w = await(store.writer(ref, 0, null));
        assertRefLocked(store, ref);
        assertThat(await(w.status()).offset()).as("offset after a failed commit").isEqualTo(c1more.size());
        assertThat(await(w.digest())).as("digest after a failed commit").isEqualTo(c1more.digest());

        // wrong size: both sizes in the message, still resumable
        ContentException wrongSize = awaitError(w.commit(c1.size(), null, Map.of()), ErrorCode.FAILED_PRECONDITION);
        assertMentions(wrongSize, c1.size());
        assertMentions(wrongSize, c1more.size());
        await(w.close());

        // truncate and rewrite, then commit
        w = await(store.writer(ref, 0, null));
        assertRefLocked(store, ref);
        assertThat(await(w.status()).offset()).isEqualTo(c1more.size());
        await(w.truncate(0));
        assertThat(await(w.status()).offset()).isZero();
        assertThat(await(w.digest())).isEqualTo(Blob.of(new byte[0]).digest());
        await(w.write(c1more.chunks(64)));
        Instant preCommit = Instant.now();
        Info info = await(w.commit(c1more.size(), null, Map.of()));
        Instant postCommit = Instant.now();
        await(w.close());
        assertThat(info.digest()).isEqualTo(c1more.digest());
        assertThat(info.size()).isEqualTo(c1more.size());
        assertThat(info.createdAt()).isBetween(preCommit, postCommit);
        assertThat(bytes(store.read(c1more.digest()))).isEqualTo(c1more.bytes());

        // the same ref again: a fresh ingest, and its content exists
        w = await(store.writer(ref, 0, null));
        assertThat(await(w.status()).offset()).as("the ref starts afresh after commit").isZero();
        await(w.write(c1.chunks(64)));
        assertRefLocked(store, ref);
        awaitError(w.commit(c1.size(), c1.digest(), Map.of()), ErrorCode.ALREADY_EXISTS);
        await(w.close());

        // reopen: locked while open, free after close
        w = await(store.writer(ref, 0, null));
        assertRefLocked(store, ref);
        await(w.close());
        w = await(store.writer(ref, 0, null));
        await(w.close());
    }

    @Test
    default void writerForAnExpectedDigestAlreadyInTheStoreIsAlreadyExistsAndAbortsTheIngest(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(2000, 121);

        Writer partial = await(store.writer("partial", blob.size(), blob.digest()));
        await(partial.write(blob.prefix(700).chunks(100)));
        await(partial.close());

        writeBlob(store, "first", blob, Map.of());

        awaitError(store.writer("second", blob.size(), blob.digest()), ErrorCode.ALREADY_EXISTS);
        awaitError(store.status("second"), ErrorCode.NOT_FOUND);

        awaitError(store.writer("partial", blob.size(), blob.digest()), ErrorCode.ALREADY_EXISTS);
        awaitError(store.status("partial"), ErrorCode.NOT_FOUND);
        Writer w = await(store.writer("partial", 0, null));
        assertThat(await(w.status()).offset()).as("the aborted ingest's lock is free and its data gone").isZero();
        await(w.close());
    }

    @Test
    default void commitWithSizeZeroAndNoExpectedDigestIsUnchecked(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(1000, 131);
        Writer w = await(store.writer("unchecked", 0, null));
        await(w.write(blob.chunks(333)));
        Instant preCommit = Instant.now();
        Info info = await(w.commit(0, null, Map.of("k", "v")));
        Instant postCommit = Instant.now();

        assertThat(info.digest()).isEqualTo(blob.digest());
        assertThat(info.size()).isEqualTo(blob.size());
        assertThat(info.labels()).isEqualTo(Map.of("k", "v"));
        assertThat(info.createdAt()).isBetween(preCommit, postCommit);
        assertThat(info.updatedAt()).isEqualTo(info.createdAt());
        assertThat(await(store.info(blob.digest()))).isEqualTo(info);
    }

    @Test
    default void commitChecksTheDeclaredTotalAndDigestWhenNoneIsGiven(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob declared = Blob.random(256, 141);
        Blob wrong = Blob.random(256, 142);

        Writer w = await(store.writer("wrong-bytes", declared.size(), declared.digest()));
        await(w.write(wrong.chunks(64)));
        ContentException e = awaitError(w.commit(0, null, Map.of()), ErrorCode.FAILED_PRECONDITION);
        assertThat(e.getMessage()).contains(declared.digest().toString()).contains(wrong.digest().toString());
        awaitError(store.info(wrong.digest()), ErrorCode.NOT_FOUND);

        Writer shortWriter = await(store.writer("too-short", declared.size(), null));
        await(shortWriter.write(declared.prefix(100).chunks(64)));
        ContentException tooShort = awaitError(shortWriter.commit(0, null, Map.of()), ErrorCode.FAILED_PRECONDITION);
        assertMentions(tooShort, 100);
        assertMentions(tooShort, declared.size());
        assertThat(await(store.status("too-short")).offset()).as("resumable after a failed commit").isEqualTo(100);
    }

    @Test
    default void writeBeyondTheDeclaredTotalFails(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(300, 151);
        Writer w = await(store.writer("over", 200, null));
        awaitError(w.write(blob.chunks(50)), ErrorCode.INVALID_ARGUMENT);
        Status st = await(w.status());
        assertThat(st.offset()).as("data before the failing write stays").isLessThanOrEqualTo(200);
        assertThat(await(w.digest())).isEqualTo(blob.prefix((int) st.offset()).digest());
        await(w.close());
    }

    @Test
    default void writerOperationsAfterCommitFailAndCloseIsANoOp(StoreFixture fx) {
        ContentStore store = fx.store();
        Blob blob = Blob.random(500, 161);
        Writer w = await(store.writer("done", 0, null));
        await(w.write(blob.chunks(100)));
        await(w.commit(blob.size(), blob.digest(), Map.of()));

        awaitError(w.write(Mono.just(ByteBuffer.wrap(new byte[] {1}))), ErrorCode.FAILED_PRECONDITION);
        awaitError(w.write(blob.size(), Mono.just(ByteBuffer.wrap(new byte[] {1}))), ErrorCode.FAILED_PRECONDITION);
        awaitError(w.write(0, Mono.just(ByteBuffer.wrap(new byte[] {1}))), ErrorCode.FAILED_PRECONDITION);
        awaitError(w.truncate(0), ErrorCode.FAILED_PRECONDITION);
        awaitError(w.status(), ErrorCode.FAILED_PRECONDITION);
        awaitError(w.digest(), ErrorCode.FAILED_PRECONDITION);
        awaitError(w.commit(0, null, Map.of()), ErrorCode.FAILED_PRECONDITION);

        Writer next = await(store.writer("done", 0, null));
        await(w.close());
        await(w.close());
        assertRefLocked(store, "done");
        assertThat(await(store.info(blob.digest())).size()).isEqualTo(blob.size());
        await(next.close());
    }
}
