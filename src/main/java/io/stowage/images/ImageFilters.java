package io.stowage.images;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The filter fields of an {@link Image} as a field lookup: {@code name}, {@code target.digest},
 * {@code target.mediatype} (also {@code target.mediaType}), {@code target.size}, {@code createdAt},
 * {@code updatedAt} and {@code labels.KEY} (KEY being the rest of the path joined with {@code .}). Returns empty
 * for unknown paths. Implementations of {@link ImageStore} use it with {@code io.stowage.filters}.
 */
public final class ImageFilters {
    private ImageFilters() {
    }

    /** The value of {@code fieldpath} on {@code image}, or empty. */
    public static Optional<String> field(Image image, List<String> fieldpath) {
        if (fieldpath.isEmpty()) {
            return Optional.empty();
        }
        String first = fieldpath.get(0);
        if (first.equals("labels")) {
            return fieldpath.size() < 2 ? Optional.empty()
                    : Optional.ofNullable(image.labels().get(String.join(".", fieldpath.subList(1, fieldpath.size()))));
        }
        if (first.equals("target") && fieldpath.size() == 2) {
            return switch (fieldpath.get(1)) {
                case "digest" -> Optional.of(image.target().digest().toString());
                case "mediatype", "mediaType" -> Optional.ofNullable(image.target().mediaType());
                case "size" -> Optional.of(Long.toString(image.target().size()));
                default -> Optional.empty();
            };
        }
        if (fieldpath.size() != 1) {
            return Optional.empty();
        }
        return switch (first) {
            case "name" -> Optional.of(image.name());
            case "createdAt" -> instant(image.createdAt());
            case "updatedAt" -> instant(image.updatedAt());
            default -> Optional.empty();
        };
    }

    private static Optional<String> instant(Instant t) {
        return Optional.ofNullable(t).map(Instant::toString);
    }
}
