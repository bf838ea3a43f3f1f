package io.stowage.plugin.builtin;

import io.stowage.plugin.PluginException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in config sections: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 24h}, {@code 7d}, or ISO-8601. */
final class ConfigDurations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private ConfigDurations() {
    }

    /** The duration, or {@code absent} when {@code text} is null; PluginException naming {@code key} when bad. */
    static Duration parse(String key, String text, Duration absent) {
        if (text == null) {
            return absent;
        }
        Matcher m = SHORT.matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (RuntimeException e) {
            throw new PluginException(key + ": not a duration: " + text + " (want e.g. 30s, 10m, 24h or PT1H)");
        }
    }
}
