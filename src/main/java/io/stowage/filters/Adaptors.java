package io.stowage.filters;

import io.stowage.content.Info;
import io.stowage.content.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ready {@link Adaptor}s for the content API's value types. Scalar fields are matched by a one-component path;
 * timestamps are rendered with {@link Instant#toString()} (ISO-8601, UTC) and are absent when not set.
 *
 * <ul>
 *   <li>{@link #forInfo}: {@code digest} ({@code alg:hex}), {@code size} (decimal), {@code createdAt},
 *       {@code updatedAt}, and {@code labels.KEY}, where KEY is the rest of the path joined with {@code .}
 *       (so {@code labels.com.example.key} and {@code labels."com.example.key"} name the same label).
 *   <li>{@link #forStatus}: {@code ref}, {@code offset}, {@code total} (decimal; 0 when not declared),
 *       {@code expected} ({@code alg:hex}, absent when not declared), {@code startedAt}, {@code updatedAt}.
 * </ul>
 */
public final class Adaptors {
    private Adaptors() {
    }

    /** An adaptor over committed content's {@link Info}. */
    public static Adaptor forInfo(Info info) {
        return fieldpath -> {
            if (fieldpath.isEmpty()) {
                return Optional.empty();
            }
            if (fieldpath.get(0).equals("labels")) {
                return label(info.labels(), fieldpath);
            }
            if (fieldpath.size() != 1) {
                return Optional.empty();
            }
            return switch (fieldpath.get(0)) {
                case "digest" -> Optional.of(info.digest().toString());
                case "size" -> Optional.of(Long.toString(info.size()));
                case "createdAt" -> instant(info.createdAt());
                case "updatedAt" -> instant(info.updatedAt());
                default -> Optional.empty();
            };
        };
    }

    /** An adaptor over an ingest's {@link Status}. */
    public static Adaptor forStatus(Status status) {
        return fieldpath -> {
            if (fieldpath.size() != 1) {
                return Optional.empty();
            }
            return switch (fieldpath.get(0)) {
                case "ref" -> Optional.of(status.ref());
                case "offset" -> Optional.of(Long.toString(status.offset()));
                case "total" -> Optional.of(Long.toString(status.total()));
                case "expected" -> Optional.ofNullable(status.expected()).map(Object::toString);
                case "startedAt" -> instant(status.startedAt());
                case "updatedAt" -> instant(status.updatedAt());
                default -> Optional.empty();
            };
        };
    }

    private static Optional<String> label(Map<String, String> labels, List<String> fieldpath) {
        if (fieldpath.size() < 2) {
            return Optional.empty();
        }
        return Optional.ofNullable(labels.get(String.join(".", fieldpath.subList(1, fieldpath.size()))));
    }

    private static Optional<String> instant(Instant instant) {
        return Optional.ofNullable(instant).map(Instant::toString);
    }
}
