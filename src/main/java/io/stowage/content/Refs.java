package io.stowage.content;

import java.nio.charset.StandardCharsets;

/** Validation of ingest refs: any UTF-8 string of 1 to {@value #MAX_REF_BYTES} bytes without NUL. */
public final class Refs {
    public static final int MAX_REF_BYTES = 256;

    private Refs() {
    }

    /** Returns {@code ref} when valid; otherwise throws INVALID_ARGUMENT saying why. */
    public static String validate(String ref) {
        if (ref == null || ref.isEmpty()) {
            throw ContentException.invalidArgument("ref: empty");
        }
        if (ref.indexOf('\0') >= 0) {
            throw ContentException.invalidArgument("ref: contains NUL");
        }
        int bytes = ref.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_REF_BYTES) {
            throw ContentException.invalidArgument(
                    "ref: " + bytes + " bytes, at most " + MAX_REF_BYTES + " allowed");
        }
        for (int i = 0; i < ref.length(); i++) {
            char c = ref.charAt(i);
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 >= ref.length()
                        || !Character.isLowSurrogate(ref.charAt(i + 1))) {
                    throw ContentException.invalidArgument("ref: not valid UTF-8 (lone surrogate)");
                }
                i++;
            }
        }
        return ref;
    }
}
