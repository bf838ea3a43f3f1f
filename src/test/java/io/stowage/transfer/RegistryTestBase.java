package io.stowage.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.local.LocalContentStore;
import io.stowage.images.local.LocalImageStore;
import io.stowage.metadata.MetadataDb;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;

/**
 * A Debian registry on a free port, a source store to build and push images from, and a fresh target store (with
 * its image store) to pull into. Everything is closed after each test.
 */
abstract class RegistryTestBase {
    static final Duration T = Duration.ofSeconds(60);
    static final Platform OTHER = Platform.current().architecture().equals("amd64")
            ? Platform.parse("linux/arm64") : Platform.parse("linux/amd64");

    @TempDir
    Path tmp;

    RegistryProcess registry;
    LocalContentStore source;
    LocalContentStore target;
    MetadataDb targetDb;
    LocalImageStore images;
    private final java.util.List<AutoCloseable> closeables = new java.util.ArrayList<>();

    @BeforeEach
    void startRegistry() throws Exception {
        registry = RegistryProcess.start(tmp.resolve("registry"));
        source = LocalContentStore.open(tmp.resolve("source"));
        targetDb = MetadataDb.open(tmp.resolve("target/metadata.db"));
        target = LocalContentStore.open(tmp.resolve("target"), Schedulers.boundedElastic(), targetDb);
        images = LocalImageStore.open(targetDb);
    }

    @AfterEach
    void stopRegistry() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (registry != null) {
            registry.close();
        }
        if (source != null) {
            source.close();
        }
        if (target != null) {
            target.close();
        }
        if (targetDb != null) {
            targetDb.close();
        }
    }

    /** Closed after the test, in reverse order, before the registry and the stores. */
    <C extends AutoCloseable> C closeLater(C c) {
        closeables.add(c);
        return c;
    }

    /** Plain HTTP, 256 KiB chunks, fast retries. */
    TransferOptions options() {
        return TransferOptions.defaults().withPlainHttp(true).withChunkSize(256 << 10)
                .withRetries(5, Duration.ofMillis(10), Duration.ofMillis(200));
    }

    /** Pushes {@code built} straight to the registry as {@code repository:tag}; returns the reference. */
    Reference push(TestImages.Built built, String repositoryAndTag) {
        Reference ref = Reference.parse(registry.host() + "/" + repositoryAndTag);
        try (Pusher pusher = Pusher.create(source, options())) {
            pusher.push(ref, built.root()).block(T);
        }
        return ref;
    }

    /** The same reference at another registry host (a proxy in front of the registry). */
    static Reference via(String host, Reference ref) {
        return new Reference(host, ref.repository(), ref.tag(), ref.digest());
    }

    void assertVerifies(Descriptor d) {
        assertThat(sha256(target, d.digest())).as("digest of %s", d.digest()).isEqualTo(d.digest());
        assertThat(target.info(d.digest()).block(T).size()).isEqualTo(d.size());
    }

    static Digest sha256(LocalContentStore store, Digest d) {
        MessageDigest md = d.newMessageDigest();
        store.read(d).doOnNext(md::update).blockLast(T);
        return new Digest(d.algorithm(), HexFormat.of().formatHex(md.digest()));
    }

    static long size(TestImages.Built built) {
        return built.all().stream().mapToLong(Descriptor::size).sum();
    }
}
