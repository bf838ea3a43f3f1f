package io.stowage.filters;

import io.stowage.content.Info;
import io.stowage.content.Status;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Adaptors for the content API's value types. */
public final class Adaptors {
    private Adaptors() {
    }

    /** Fields {@code digest}, {@code size}, {@code createdAt}, {@code updatedAt}, {@code labels.KEY}. */
    public static Adaptor forInfo(Info info) {
        return path -> {
            if (path.isEmpty()) {
                return Optional.empty();
            }
            return switch (path.get(0)) {
                case "digest" -> one(path, info.digest().toString());
                case "size" -> one(path, Long.toString(info.size()));
                case "createdAt" -> one(path, info.createdAt() == null ? null : info.createdAt().toString());
                case "updatedAt" -> one(path, info.updatedAt() == null ? null : info.updatedAt().toString());
                case "labels" -> label(path, info.labels());
                default -> Optional.empty();
            };
        };
    }

    /** Fields {@code ref}, {@code offset}, {@code total}, {@code expected}, {@code startedAt}, {@code updatedAt}. */
    public static Adaptor forStatus(Status st) {
        return path -> {
            if (path.isEmpty()) {
                return Optional.empty();
            }
            return switch (path.get(0)) {
                case "ref" -> one(path, st.ref());
                case "offset" -> one(path, Long.toString(st.offset()));
                case "total" -> one(path, Long.toString(st.total()));
                case "expected" -> one(path, st.expected() == null ? null : st.expected().toString());
                case "startedAt" -> one(path, st.startedAt() == null ? null : st.startedAt().toString());
                case "updatedAt" -> one(path, st.updatedAt() == null ? null : st.updatedAt().toString());
                default -> Optional.empty();
            };
        };
    }

    private static Optional<String> one(List<String> path, String value) {
        return path.size() == 1 ? Optional.ofNullable(value) : Optional.empty();
    }

    /** As containerd: the rest of the path, joined with dots, is the label key. */
    private static Optional<String> label(List<String> path, Map<String, String> labels) {
        if (path.size() < 2) {
            return Optional.empty();
        }
        return Optional.ofNullable(labels.get(String.join(".", path.subList(1, path.size()))));
    }
}
