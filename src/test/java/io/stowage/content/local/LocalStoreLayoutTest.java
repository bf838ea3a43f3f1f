package io.stowage.content.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import io.stowage.content.Status;
import io.stowage.content.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What only the local store promises: its disk layout, and how it treats what it finds on disk. */
class LocalStoreLayoutTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private LocalContentStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Flux<ByteBuffer> chunks(byte[] data, int chunk) {
        return Flux.range(0, (data.length + chunk - 1) / chunk)
                .map(i -> ByteBuffer.wrap(data, i * chunk, Math.min(chunk, data.length - i * chunk)));
    }

    @Test
    void committedBlobIsAReadOnlyFileNamedByItsDigest() throws Exception {
        store = LocalContentStore.open(root);
        byte[] data = random(300_000, 1);
        Digest d = Digest.sha256(data);
        Writer w = store.writer("layer", data.length, d).block(T);
        w.write(chunks(data, 8192)).block(T);
        Info info = w.commit(0, null, Map.of("k", "v")).block(T);

        Path blob = root.resolve("blobs/sha256").resolve(d.hex());
        assertThat(blob).exists().hasBinaryContent(data);
        assertThat(Files.getPosixFilePermissions(blob))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.GROUP_READ,
                        PosixFilePermission.OTHERS_READ);
        assertThat(info.digest()).isEqualTo(d);
        assertThat(info.size()).isEqualTo(data.length);
        try (Stream<Path> s = Files.list(root.resolve("ingest"))) {
            assertThat(s).isEmpty();
        }
        assertThat(store.blobFile(d)).isEqualTo(blob);
    }

    @Test
    void refsThatLookLikePathsStayInsideTheIngestDirectory() throws Exception {
        store = LocalContentStore.open(root);
        String ref = "../../../../etc/passwd/..//x";
        Writer w = store.writer(ref, 0, null).block(T);
        w.write(Mono.just(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)))).block(T);
        w.close().block(T);

        Path dir = root.resolve("ingest").resolve(Digest.sha256(ref.getBytes(StandardCharsets.UTF_8)).hex());
        assertThat(new String(declaration(dir), StandardCharsets.UTF_8)).endsWith("\n" + ref);
        assertThat(dir.resolve("data")).hasContent("hello");
        try (Stream<Path> all = Files.walk(root.getParent(), 1)) {
            assertThat(all).allMatch(p -> p.equals(root.getParent()) || p.startsWith(root)
                    || !p.getFileName().toString().equals("x"));
        }
        assertThat(store.status(ref).block(T).offset()).isEqualTo(5);
    }

    @Test
    void aRootServesOneOpenStoreAtATime() throws Exception {
        store = LocalContentStore.open(root);
        assertThatThrownBy(() -> LocalContentStore.open(root))
                .isInstanceOfSatisfying(ContentException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                    assertThat(e.getMessage()).contains("in use");
                });
        byte[] data = random(1000, 5);
        Writer w = store.writer("held", 0, null).block(T);
        w.write(Mono.just(ByteBuffer.wrap(data))).block(T);
        assertThat(w.commit(1000, Digest.sha256(data), Map.of()).block(T).digest()).isEqualTo(Digest.sha256(data));
        store.close();

        store = LocalContentStore.open(root);
        assertThat(store.info(Digest.sha256(data)).block(T).size()).isEqualTo(1000);
    }

    @Test
    void statusAndResumeFollowTheDataFileWhenItChangedAfterTheClose() throws Exception {
        store = LocalContentStore.open(root);
        byte[] data = random(1000, 3);
        Writer w = store.writer("grown", 0, null).block(T);
        w.write(Mono.just(ByteBuffer.wrap(data, 0, 600))).block(T);
        w.close().block(T);
        assertThat(store.status("grown").block(T).offset()).isEqualTo(600);
        // bytes that landed behind the store's back (as after a crash of a writer that had not closed)
        Path file = root.resolve("ingest").resolve(Digest.sha256("grown".getBytes(StandardCharsets.UTF_8)).hex())
                .resolve("data");
        Files.write(file, java.util.Arrays.copyOfRange(data, 600, 700), java.nio.file.StandardOpenOption.APPEND);

        assertThat(store.status("grown").block(T).offset()).isEqualTo(700);
        Writer again = store.writer("grown", 0, null).block(T);
        assertThat(again.status().block(T).offset()).isEqualTo(700);
        again.write(Mono.just(ByteBuffer.wrap(data, 700, 300))).block(T);
        assertThat(again.commit(1000, Digest.sha256(data), Map.of()).block(T).digest()).isEqualTo(Digest.sha256(data));
    }

    @Test
    void brokenIngestDirectoryIsTreatedAsAFreshIngest() throws Exception {
        store = LocalContentStore.open(root);
        Path dir = closedIngest("broken", 0, new byte[100], 100);
        store.close();
        undeclare(dir);
        store = LocalContentStore.open(root);

        assertThatThrownBy(() -> store.status("broken").block(T))
                .isInstanceOfSatisfying(ContentException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        Writer again = store.writer("broken", 0, null).block(T);
        Status st = again.status().block(T);
        assertThat(st.offset()).isZero();
        byte[] data = random(1000, 2);
        again.write(Mono.just(ByteBuffer.wrap(data))).block(T);
        assertThat(again.commit(1000, Digest.sha256(data), Map.of()).block(T).digest())
                .isEqualTo(Digest.sha256(data));
    }

    @Test
    void ingestWrittenByAProcessThatDiedResumesFromTheBytesOnDisk() throws Exception {
        store = LocalContentStore.open(root);
        byte[] data = random(50_000, 3);
        Writer w = store.writer("crashy", data.length, Digest.sha256(data)).block(T);
        w.write(Mono.just(ByteBuffer.wrap(data, 0, 20_000))).block(T);
        // Simulate a crash: no close, the process state is gone; only the files remain.
        Path dir = root.resolve("ingest").resolve(Digest.sha256("crashy".getBytes(StandardCharsets.UTF_8)).hex());
        Path copy = Files.createTempDirectory(root, "crash").resolve("data");
        Files.copy(dir.resolve("data"), copy);
        store.close();
        Files.copy(copy, dir.resolve("data"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        store = LocalContentStore.open(root);
        Writer resumed = store.writer("crashy", 0, null).block(T);
        Status st = resumed.status().block(T);
        assertThat(st.offset()).isEqualTo(20_000);
        assertThat(st.total()).isEqualTo(data.length);
        assertThat(st.expected()).isEqualTo(Digest.sha256(data));
        byte[] prefix = java.util.Arrays.copyOf(data, 20_000);
        assertThat(resumed.digest().block(T)).isEqualTo(Digest.sha256(prefix));
        resumed.write(20_000, Mono.just(ByteBuffer.wrap(data, 20_000, 30_000))).block(T);
        assertThat(resumed.commit(0, null, Map.of()).block(T).digest()).isEqualTo(Digest.sha256(data));
    }

    @Test
    void anIngestKeepsOneFileWhereAttributesAreKeptAndItsRefMayHoldAnyCharacter() throws Exception {
        store = LocalContentStore.open(root);
        boolean kept = attributesKept();
        String ref = "line one\nref=3\nstowage-ingest 1\n\u00e9";
        Path dir = closedIngest(ref, 9000, random(3000, 6), 3000);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(kept ? List.of("data") : List.of("data", "status"));
        }
        assertThat(attributeNames(dir)).isEqualTo(kept ? List.of(IngestFiles.ATTRIBUTE) : List.of());
        Status closed = store.status(ref).block(T);
        assertThat(closed.updatedAt()).isEqualTo(Files.getLastModifiedTime(dir.resolve("data")).toInstant());
        store.close();

        store = LocalContentStore.open(root);
        Status read = store.status(ref).block(T);
        assertThat(read.ref()).isEqualTo(ref);
        assertThat(read.offset()).isEqualTo(3000);
        assertThat(read.total()).isEqualTo(9000);
        byte[] rest = random(6000, 8);
        Writer again = store.writer(ref, 0, null).block(T);
        again.write(3000, Mono.just(ByteBuffer.wrap(rest))).block(T);
        again.commit(0, null, Map.of()).block(T);
        assertThat(dir).as("a committed ingest's directory is removed with its data gone").doesNotExist();
    }

    @Test
    void whereAttributesAreRefusedTheDeclarationIsAStatusFileAndALaterAttributeWins() throws Exception {
        store = LocalContentStore.open(root);
        byte[] data = random(4000, 9);
        Path dir;
        System.setProperty("stowage.ingestAttributes", "false");
        try {
            dir = closedIngest("plain", 4000, data, 1000);
        } finally {
            System.clearProperty("stowage.ingestAttributes");
        }
        assertThat(dir.resolve("status")).exists();
        assertThat(attributeNames(dir)).isEmpty();
        store.close();
        store = LocalContentStore.open(root);
        assertThat(store.status("plain").block(T).total()).isEqualTo(4000);

        Writer w = store.writer("plain", 0, Digest.sha256(data)).block(T);
        assertThat(attributeNames(dir)).as("the changed declaration")
                .isEqualTo(attributesKept() ? List.of(IngestFiles.ATTRIBUTE) : List.of());
        assertThat(w.status().block(T).expected()).isEqualTo(Digest.sha256(data));
        w.close().block(T);
        store.close();
        store = LocalContentStore.open(root);
        Status st = store.status("plain").block(T);
        assertThat(st.expected()).isEqualTo(Digest.sha256(data));
        assertThat(st.total()).isEqualTo(4000);
        Writer last = store.writer("plain", 0, null).block(T);
        last.write(1000, Mono.just(ByteBuffer.wrap(data, 1000, 3000))).block(T);
        assertThat(last.commit(0, null, Map.of()).block(T).digest()).isEqualTo(Digest.sha256(data));
        assertThat(dir).doesNotExist();
    }

    @Test
    void aTornDeclarationMakesTheIngestBroken() throws Exception {
        store = LocalContentStore.open(root);
        Path dir = closedIngest("torn", 0, random(100, 1), 100);
        store.close();
        // as a crash while the declaration was being written could leave it
        byte[] torn = declaration(dir);
        torn = java.util.Arrays.copyOf(torn, torn.length - 1);
        if (attributeNames(dir).contains(IngestFiles.ATTRIBUTE)) {
            attributes(dir).write(IngestFiles.ATTRIBUTE, ByteBuffer.wrap(torn));
        } else {
            Files.write(dir.resolve("status"), torn);
        }
        store = LocalContentStore.open(root);

        assertThatThrownBy(() -> store.status("torn").block(T))
                .isInstanceOfSatisfying(ContentException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(store.writer("torn", 0, null).block(T).status().block(T).offset()).isZero();
    }

    /** Writes the first {@code len} bytes of {@code data} to a new ingest, closes it and returns its directory. */
    private Path closedIngest(String ref, long total, byte[] data, int len) {
        Writer w = store.writer(ref, total, null).block(T);
        w.write(Mono.just(ByteBuffer.wrap(data, 0, len))).block(T);
        w.close().block(T);
        return root.resolve("ingest").resolve(Digest.sha256(ref.getBytes(StandardCharsets.UTF_8)).hex());
    }

    private static java.nio.file.attribute.UserDefinedFileAttributeView attributes(Path dir) {
        return Files.getFileAttributeView(dir, java.nio.file.attribute.UserDefinedFileAttributeView.class);
    }

    /**
     * Whether the file system under the root keeps user attributes, found without the store: where it does, the
     * store must declare its ingests in them; where not (some tmpfs, NFS), in status files.
     */
    private boolean attributesKept() throws Exception {
        Path probe = Files.createTempDirectory(root, "probe");
        try {
            attributes(probe).write("stowage.probe", ByteBuffer.wrap(new byte[] {1}));
            return true;
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        } finally {
            Files.delete(probe);
        }
    }

    private static List<String> attributeNames(Path dir) {
        try {
            return attributes(dir).list();
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return List.of();
        }
    }

    /** The ingest directory's declaration: its attribute, else its status file. */
    private static byte[] declaration(Path dir) throws Exception {
        if (attributeNames(dir).contains(IngestFiles.ATTRIBUTE)) {
            ByteBuffer buf = ByteBuffer.allocate(attributes(dir).size(IngestFiles.ATTRIBUTE));
            attributes(dir).read(IngestFiles.ATTRIBUTE, buf);
            return buf.array();
        }
        return Files.readAllBytes(dir.resolve("status"));
    }

    private static void undeclare(Path dir) throws Exception {
        if (attributeNames(dir).contains(IngestFiles.ATTRIBUTE)) {
            attributes(dir).delete(IngestFiles.ATTRIBUTE);
        }
        Files.deleteIfExists(dir.resolve("status"));
    }

    @Test
    void aDirectoryOfTheOldLayoutIsReadResumedAndUpgradedWhenItsDeclarationChanges() throws Exception {
        store = LocalContentStore.open(root);
        byte[] data = random(5000, 7);
        Path dir = closedIngest("legacy", 0, data, 3000);
        Status closed = store.status("legacy").block(T);
        store.close();

        // the directory as stores before 2026-11-30 left it: a file a field, and an updatedat (before 2026-11-29)
        // later than the data file's mtime, which wins
        undeclare(dir);
        java.time.Instant later = closed.updatedAt().plusSeconds(3600);
        Files.writeString(dir.resolve("ref"), "legacy");
        Files.writeString(dir.resolve("startedat"), closed.startedAt().toString());
        Files.writeString(dir.resolve("updatedat"), later.toString());
        Files.writeString(dir.resolve("total"), "5000");
        store = LocalContentStore.open(root);
        Status legacy = store.status("legacy").block(T);
        assertThat(legacy.updatedAt()).isEqualTo(later);
        assertThat(legacy.startedAt()).isEqualTo(closed.startedAt());
        assertThat(legacy.offset()).isEqualTo(3000);
        assertThat(legacy.total()).isEqualTo(5000);

        Writer resumed = store.writer("legacy", 0, Digest.sha256(data)).block(T);
        assertThat(attributesKept() ? attributeNames(dir).contains(IngestFiles.ATTRIBUTE)
                : Files.exists(dir.resolve("status"))).as("a changed declaration is written in the new layout").isTrue();
        Status st = resumed.status().block(T);
        assertThat(st.total()).isEqualTo(5000);
        assertThat(st.expected()).isEqualTo(Digest.sha256(data));
        assertThat(st.startedAt()).isEqualTo(closed.startedAt());
        resumed.write(3000, Mono.just(ByteBuffer.wrap(data, 3000, 2000))).block(T);
        assertThat(resumed.commit(0, null, Map.of()).block(T).digest()).isEqualTo(Digest.sha256(data));
    }

    @Test
    void labelsAndTimestampsSurviveARestart() {
        store = LocalContentStore.open(root);
        byte[] data = random(10, 4);
        Writer w = store.writer("small", 0, null).block(T);
        w.write(Mono.just(ByteBuffer.wrap(data))).block(T);
        Info committed = w.commit(10, null, Map.of("a", "1")).block(T);
        store.close();

        store = LocalContentStore.open(root);
        Info after = store.info(Digest.sha256(data)).block(T);
        assertThat(after).isEqualTo(committed);
        assertThat(after.labels()).containsEntry("a", "1");
    }

    @Test
    void reopeningAClosedIngestTrustsItsRememberedHashOnlyWhileTheFileIsUnchanged() throws Exception {
        store = LocalContentStore.open(root);
        byte[] data = random(9000, 5);
        Writer w = store.writer("chunks", 0, null).block(T);
        w.write(Mono.just(ByteBuffer.wrap(data, 0, 3000))).block(T);
        w.close().block(T);
        // Changed behind the store's back: the remembered hash must not be used.
        Path file = root.resolve("ingest").resolve(Digest.sha256("chunks".getBytes(StandardCharsets.UTF_8)).hex())
                .resolve("data");
        byte[] tampered = java.util.Arrays.copyOf(data, 3000);
        tampered[0] ^= 1;
        Files.write(file, tampered);
        Writer again = store.writer("chunks", 0, null).block(T);
        assertThat(again.digest().block(T)).isEqualTo(Digest.sha256(tampered));
        again.truncate(0).block(T);
        again.write(Mono.just(ByteBuffer.wrap(data, 0, 3000))).block(T);
        again.close().block(T);
        for (int off = 3000; off < 9000; off += 3000) {
            Writer next = store.writer("chunks", 0, null).block(T);
            assertThat(next.digest().block(T)).isEqualTo(Digest.sha256(java.util.Arrays.copyOf(data, off)));
            next.write(off, Mono.just(ByteBuffer.wrap(data, off, 3000))).block(T);
            next.close().block(T);
        }
        Writer last = store.writer("chunks", 0, null).block(T);
        assertThat(last.commit(9000, Digest.sha256(data), Map.of()).block(T).digest()).isEqualTo(Digest.sha256(data));
    }
}
