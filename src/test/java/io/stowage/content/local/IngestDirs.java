package io.stowage.content.local;

import io.stowage.content.Status;
import java.nio.file.Path;

/**
 * For tests in other packages that inspect a store's files while it is closed (the crash harness): what an ingest
 * directory declares, read by the store's own reader ({@link IngestFiles#read}), so that they do not parse the
 * layout a second time.
 */
public final class IngestDirs {
    private IngestDirs() {
    }

    /** The ref an ingest directory declares, or null when the directory is absent or broken (torn, half made). */
    public static String ref(Path dir) {
        Status st = IngestFiles.read(dir);
        return st == null ? null : st.ref();
    }
}
