package io.stowage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stowage.transfer.BlobState;
import io.stowage.transfer.TransferProgress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders successive {@link TransferProgress.Snapshot}s of a pull or push:
 * <ul>
 *   <li>{@link Mode#TTY}: one line per blob (short digest, state, bar, bytes done / total, speed) and a total line,
 *       redrawn in place (ANSI cursor-up and erase);</li>
 *   <li>{@link Mode#PLAIN}: for pipes and logs, a timestamped line when a blob changes state, and every
 *       {@link #PLAIN_EVERY} one line per blob still moving, plus the total;</li>
 *   <li>{@link Mode#JSON}: one JSON object per line for each blob whose state, bytes or note changed:
 *       {@code {"digest","short","state","done","total","speed","message"}} (speed in bytes/s);</li>
 *   <li>{@link Mode#QUIET}: nothing.</li>
 * </ul>
 * Not thread-safe: one instance per transfer.
 */
final class TransferView {
    enum Mode { TTY, PLAIN, JSON, QUIET }

    static final Duration PLAIN_EVERY = Duration.ofSeconds(2);
    private static final int BAR = 24;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Mode mode;
    private int drawnLines;
    private final Map<String, String> lastSeen = new HashMap<>();
    private Instant lastPlain;

    TransferView(Mode mode) {
        this.mode = mode;
    }

    /** The text to print for this snapshot (possibly empty); {@code last} for the final one. */
    String render(TransferProgress.Snapshot s, boolean last) {
        return switch (mode) {
            case TTY -> redraw(s);
            case PLAIN -> plain(s, last);
            case JSON -> json(s);
            case QUIET -> "";
        };
    }

    private String redraw(TransferProgress.Snapshot s) {
        StringBuilder b = new StringBuilder();
        if (drawnLines > 0) {
            b.append("\033[").append(drawnLines).append('A').append('\r');
        }
        List<String> lines = new ArrayList<>();
        for (TransferProgress.Blob blob : s.blobs()) {
            lines.add(line(blob));
        }
        lines.add(total(s));
        for (String line : lines) {
            b.append("\033[2K").append(line).append('\n');
        }
        b.append("\033[J");
        drawnLines = lines.size();
        return b.toString();
    }

    static String line(TransferProgress.Blob b) {
        String speed = b.state() == BlobState.DOWNLOADING || b.state() == BlobState.UPLOADING
                ? Formats.bytes((long) b.bytesPerSecond()) + "/s" : "";
        return String.format(Locale.ROOT, "%-12s  %-11s  %s  %10s / %-10s  %s", b.shortDigest(), b.state().wireName(),
                bar(b.done(), b.total()), Formats.bytes(b.done()), Formats.bytes(b.total()), speed).stripTrailing();
    }

    static String total(TransferProgress.Snapshot s) {
        long finished = s.blobs().stream().filter(b -> b.state().isFinal()).count();
        return String.format(Locale.ROOT, "%-12s  %-11s  %s  %10s / %-10s  %s  %.1fs", "total",
                finished + "/" + s.blobs().size() + " done", bar(s.done(), s.total()), Formats.bytes(s.done()),
                Formats.bytes(s.total()), Formats.bytes((long) s.bytesPerSecond()) + "/s",
                s.elapsed().toMillis() / 1000.0);
    }

    static String bar(long done, long total) {
        double f = total <= 0 ? 1.0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.floor(f * BAR);
        String bar = filled >= BAR ? "=".repeat(BAR) : "=".repeat(filled) + ">" + " ".repeat(BAR - filled - 1);
        return String.format(Locale.ROOT, "[%s] %3d%%", bar, (int) Math.floor(f * 100));
    }

    private String plain(TransferProgress.Snapshot s, boolean last) {
        StringBuilder b = new StringBuilder();
        String at = TIME.format(s.at());
        for (TransferProgress.Blob blob : s.blobs()) {
            String key = blob.state().wireName() + (blob.message() == null ? "" : " " + blob.message());
            if (!key.equals(lastSeen.put(blob.shortDigest(), key))) {
                b.append(at).append("  ").append(blob.shortDigest()).append("  ").append(blob.state().wireName());
                if (blob.message() != null) {
                    b.append("  ").append(blob.message());
                }
                b.append('\n');
            }
        }
        if (last || lastPlain == null || !s.at().isBefore(lastPlain.plus(PLAIN_EVERY))) {
            lastPlain = s.at();
            for (TransferProgress.Blob blob : s.blobs()) {
                if (!blob.state().isFinal() && blob.state() != BlobState.WAITING) {
                    b.append(at).append("  ").append(line(blob)).append('\n');
                }
            }
            b.append(at).append("  ").append(total(s)).append('\n');
        }
        return b.toString();
    }

    private String json(TransferProgress.Snapshot s) {
        StringBuilder b = new StringBuilder();
        for (TransferProgress.Blob blob : s.blobs()) {
            String key = blob.state() + "/" + blob.done() + "/" + blob.message();
            if (key.equals(lastSeen.put(blob.shortDigest(), key))) {
                continue;
            }
            ObjectNode n = JSON.createObjectNode();
            n.put("digest", blob.descriptor().digest().toString());
            n.put("short", blob.shortDigest());
            n.put("state", blob.state().wireName());
            n.put("done", blob.done());
            n.put("total", blob.total());
            n.put("speed", Math.round(blob.bytesPerSecond()));
            if (blob.message() != null) {
                n.put("message", blob.message());
            }
            b.append(n).append('\n');
        }
        return b.toString();
    }
}
