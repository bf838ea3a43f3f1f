package io.stowage.images;

import io.stowage.content.ContentException;
import io.stowage.content.Descriptor;
import io.stowage.content.Labels;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A named image: its name (usually a normalised reference such as {@code docker.io/library/alpine:3.20}), the
 * descriptor of its root manifest or index, when it was created and last updated, and its labels. Immutable;
 * the name must be 1 to {@value #MAX_NAME_LENGTH} characters without control characters, labels are validated
 * and copied (never null). The times are null only on an image not yet stored (the store sets them).
 */
public record Image(String name, Descriptor target, Instant createdAt, Instant updatedAt, Map<String, String> labels) {
    /** Longest accepted name. */
    public static final int MAX_NAME_LENGTH = 1024;

    public Image {
        validateName(name);
        Objects.requireNonNull(target, "target");
        labels = labels == null ? Map.of() : Map.copyOf(Labels.validate(labels));
    }

    /** An image to store: name, target and labels; the store sets the times. */
    public static Image of(String name, Descriptor target, Map<String, String> labels) {
        return new Image(name, target, null, null, labels);
    }

    /** Returns {@code name} when it is a valid image name; INVALID_ARGUMENT otherwise, saying why. */
    public static String validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw ContentException.invalidArgument("image name: empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw ContentException.invalidArgument("image name: " + name.length() + " characters, at most "
                    + MAX_NAME_LENGTH + " allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw ContentException.invalidArgument("image name: control character at " + i);
            }
        }
        return name;
    }

    public Image withTimes(Instant newCreatedAt, Instant newUpdatedAt) {
        return new Image(name, target, newCreatedAt, newUpdatedAt, labels);
    }
}
