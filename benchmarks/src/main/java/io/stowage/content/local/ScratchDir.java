package io.stowage.content.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch directories for the benchmarks, under the directory named by the system property
 * {@code stowage.bench.dir} (default: {@code java.io.tmpdir}), so that the file system being measured can be
 * chosen on the command line ({@code -jvmArgsAppend -Dstowage.bench.dir=/mnt/disk}).
 */
final class ScratchDir {
    private ScratchDir() {
    }

    /** A new, empty directory. */
    static Path create(String prefix) {
        try {
            Path parent = Paths.get(System.getProperty("stowage.bench.dir", System.getProperty("java.io.tmpdir")));
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree (read-only blob files included: unlinking needs only the directory writable). */
    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
