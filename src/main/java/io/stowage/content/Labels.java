package io.stowage.content;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Validation of content labels: each key plus value at most {@value #MAX_LABEL_BYTES} bytes, keys non-empty. */
public final class Labels {
    public static final int MAX_LABEL_BYTES = 4096;

    private Labels() {
    }

    /** Returns {@code labels} (null as empty) when valid; otherwise throws INVALID_ARGUMENT naming the key. */
    public static Map<String, String> validate(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            String k = e.getKey();
            String v = e.getValue() == null ? "" : e.getValue();
            if (k == null || k.isEmpty()) {
                throw ContentException.invalidArgument("label: empty key");
            }
            int size = k.getBytes(StandardCharsets.UTF_8).length + v.getBytes(StandardCharsets.UTF_8).length;
            if (size > MAX_LABEL_BYTES) {
                String shown = k.length() > 64 ? k.substring(0, 64) + "..." : k;
                throw ContentException.invalidArgument("label " + shown + ": key and value are " + size
                        + " bytes, at most " + MAX_LABEL_BYTES + " allowed");
            }
        }
        return labels;
    }
}
