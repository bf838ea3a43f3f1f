package io.stowage.plugin;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in config files and on command lines: {@code 500ms}, {@code 60s}, {@code 5m},
 * {@code 1h}, a bare number of seconds ({@code 30}, {@code 0.5}), or ISO-8601 ({@code PT1M30S}).
 */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {
    }

    /** Parses {@code text}; a negative, zero or malformed duration is an {@link IllegalArgumentException}. */
    public static Duration parsePositive(String text) {
        Duration d = parse(text);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("duration '" + text + "' must be positive");
        }
        return d;
    }

    private static Duration parse(String text) {
        String t = text.strip();
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> n;
                case "s" -> n * 1000;
                case "m" -> n * 60_000;
                default -> n * 3_600_000;
            };
            return Duration.ofMillis(Math.round(millis));
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("duration '" + text + "': expected e.g. 500ms, 60s, 5m, 1h or PT1M",
                    e);
        }
    }
}
