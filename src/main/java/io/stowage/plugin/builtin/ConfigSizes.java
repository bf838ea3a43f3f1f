package io.stowage.plugin.builtin;

import io.stowage.plugin.PluginException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes in config sections: a number of bytes ({@code 1048576}) or a number with a unit: {@code KB}, {@code MB},
 * {@code GB}, {@code TB} (powers of 1000) or {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB} (powers of 1024),
 * e.g. {@code 500MB}, {@code 10GiB}. Case-insensitive, a space before the unit allowed.
 */
final class ConfigSizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]i?b|b)?");

    private ConfigSizes() {
    }

    /** The size in bytes, or {@code absent} when {@code text} is null; PluginException naming {@code key} when bad. */
    static long parse(String key, String text, long absent) {
        if (text == null) {
            return absent;
        }
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new PluginException(key + ": not a size: " + text + " (want e.g. 1073741824, 500MB or 10GiB)");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new PluginException(key + ": too large: " + text);
        }
        String unit = m.group(2) == null ? "b" : m.group(2);
        long base = unit.contains("i") ? 1024 : 1000;
        int power = switch (unit.charAt(0)) {
            case 'k' -> 1;
            case 'm' -> 2;
            case 'g' -> 3;
            case 't' -> 4;
            default -> 0;
        };
        long out = n;
        try {
            for (int i = 0; i < power; i++) {
                out = Math.multiplyExact(out, base);
            }
        } catch (ArithmeticException e) {
            throw new PluginException(key + ": too large: " + text);
        }
        if (out <= 0) {
            throw new PluginException(key + ": must be positive, got " + text);
        }
        return out;
    }
}
