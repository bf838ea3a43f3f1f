package io.stowage.content.local;

import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hash states of recently closed ingests, so that reopening one (the registry API opens the writer once per
 * chunk) does not re-read everything written so far. A state is used only when the data file still has the size
 * and modification time it had at close; otherwise, and after a restart, the file is hashed again. Bounded
 * (least recently closed states are dropped); each state is a few hundred bytes. Thread-safe.
 */
final class HashStates {
    static final int MAX_ENTRIES = 4096;

    private record State(long size, FileTime mtime, MessageDigest md) {
    }

    private final Map<String, State> states = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    synchronized void remember(String ref, long size, FileTime mtime, MessageDigest md) {
        states.put(ref, new State(size, mtime, md));
    }

    /** The state remembered for {@code ref} when it matches the file and algorithm; it is forgotten either way. */
    synchronized MessageDigest take(String ref, long size, FileTime mtime, String jcaAlgorithm) {
        State s = states.remove(ref);
        if (s == null || s.size() != size || !s.mtime().equals(mtime) || !s.md().getAlgorithm().equals(jcaAlgorithm)) {
            return null;
        }
        return s.md();
    }

    synchronized void forget(String ref) {
        states.remove(ref);
    }
}
