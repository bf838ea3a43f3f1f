package io.stowage.cli;

import io.stowage.content.Status;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders successive snapshots of the active ingests for {@code content active --watch}. On a terminal each
 * snapshot redraws the previous one in place (ANSI cursor-up and erase), one progress bar per ingest. Otherwise it
 * prints one timestamped line per ingest that appeared, moved or went away since the previous snapshot, so logs
 * and pipes get a readable history. Not thread-safe: one instance per watch loop.
 */
final class ProgressView {
    static final int BAR = 30;
    private static final int MAX_REF = 40;

    private final boolean tty;
    private int drawnLines;
    private Map<String, Long> previous = null;

    ProgressView(boolean tty) {
        this.tty = tty;
    }

    /** The text to print for this snapshot (possibly empty). */
    String render(List<Status> active, Instant now) {
        return tty ? redraw(active) : changes(active, now);
    }

    private String redraw(List<Status> active) {
        StringBuilder b = new StringBuilder();
        if (drawnLines > 0) {
            b.append("\033[").append(drawnLines).append('A').append('\r');
        }
        List<String> lines = active.isEmpty() ? List.of("no active ingests") : bars(active);
        for (String line : lines) {
            b.append("\033[2K").append(line).append('\n');
        }
        b.append("\033[J");
        drawnLines = lines.size();
        return b.toString();
    }

    private static List<String> bars(List<Status> active) {
        int width = 0;
        for (Status s : active) {
            width = Math.max(width, Math.min(MAX_REF, s.ref().length()));
        }
        int w = width;
        return active.stream().map(s -> String.format("%-" + w + "s  %s", shortRef(s.ref()), bar(s))).toList();
    }

    /** {@code [=======>      ]  45%  12.0 MiB / 27.0 MiB}; without a total, the bytes so far only. */
    static String bar(Status s) {
        if (s.total() <= 0) {
            return "[" + centered("total unknown", BAR) + "]        " + Formats.bytes(s.offset());
        }
        double fraction = Math.min(1.0, (double) s.offset() / s.total());
        int filled = (int) Math.floor(fraction * BAR);
        String bar = filled >= BAR ? "=".repeat(BAR)
                : "=".repeat(filled) + ">" + " ".repeat(BAR - filled - 1);
        return String.format(Locale.ROOT, "[%s] %3d%%  %s / %s", bar, (int) Math.floor(fraction * 100),
                Formats.bytes(s.offset()), Formats.bytes(s.total()));
    }

    private String changes(List<Status> active, Instant now) {
        StringBuilder b = new StringBuilder();
        Map<String, Long> current = new HashMap<>();
        for (Status s : active) {
            current.put(s.ref(), s.offset());
            Long before = previous == null ? null : previous.get(s.ref());
            if (before == null || before != s.offset()) {
                b.append(now).append("  ").append(s.ref()).append("  ").append(s.offset()).append('/')
                        .append(s.total() > 0 ? Long.toString(s.total()) : "?");
                if (s.total() > 0) {
                    b.append(String.format(Locale.ROOT, "  %d%%", (int) Math.min(100, s.offset() * 100 / s.total())));
                }
                b.append('\n');
            }
        }
        if (previous == null && active.isEmpty()) {
            b.append(now).append("  no active ingests\n");
        }
        if (previous != null) {
            for (String ref : previous.keySet()) {
                if (!current.containsKey(ref)) {
                    b.append(now).append("  ").append(ref).append("  gone (committed or aborted)\n");
                }
            }
        }
        previous = current;
        return b.toString();
    }

    private static String shortRef(String ref) {
        return ref.length() <= MAX_REF ? ref : ref.substring(0, MAX_REF - 3) + "...";
    }

    private static String centered(String s, int width) {
        int left = (width - s.length()) / 2;
        return " ".repeat(left) + s + " ".repeat(width - s.length() - left);
    }
}
