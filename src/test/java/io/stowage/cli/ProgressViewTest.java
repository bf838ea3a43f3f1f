package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Status;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressViewTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private static Status status(String ref, long offset, long total) {
        return new Status(ref, offset, total, null, NOW, NOW);
    }

    @Test
    void barsShowTheFractionAndTheBytes() {
        assertThat(ProgressView.bar(status("r", 0, 1024))).isEqualTo("[>" + " ".repeat(29) + "]   0%  0 B / 1.0 KiB");
        assertThat(ProgressView.bar(status("r", 512, 1024)))
                .isEqualTo("[" + "=".repeat(15) + ">" + " ".repeat(14) + "]  50%  512 B / 1.0 KiB");
        assertThat(ProgressView.bar(status("r", 1024, 1024)))
                .isEqualTo("[" + "=".repeat(30) + "] 100%  1.0 KiB / 1.0 KiB");
        assertThat(ProgressView.bar(status("r", 3 << 20, 0))).contains("total unknown").endsWith("3.0 MiB");
    }

    @Test
    void onATerminalEachSnapshotRedrawsThePreviousInPlace() {
        ProgressView view = new ProgressView(true);
        String first = view.render(List.of(status("a", 1, 2), status("bb", 0, 0)), NOW);
        assertThat(first).doesNotContain("\033[2A").contains("\033[2Ka  ", "\033[2Kbb ").endsWith("\033[J");
        String second = view.render(List.of(status("a", 2, 2)), NOW);
        assertThat(second).startsWith("\033[2A\r").contains("100%").endsWith("\033[J");
        String third = view.render(List.of(), NOW);
        assertThat(third).startsWith("\033[1A\r").contains("no active ingests");
    }

    @Test
    void otherwiseItPrintsALinePerChange() {
        ProgressView view = new ProgressView(false);
        assertThat(view.render(List.of(), NOW)).isEqualTo(NOW + "  no active ingests\n");
        assertThat(view.render(List.of(status("a", 10, 100), status("b", 5, 0)), NOW))
                .isEqualTo(NOW + "  a  10/100  10%\n" + NOW + "  b  5/?\n");
        assertThat(view.render(List.of(status("a", 10, 100), status("b", 5, 0)), NOW)).isEmpty();
        assertThat(view.render(List.of(status("a", 50, 100)), NOW))
                .isEqualTo(NOW + "  a  50/100  50%\n" + NOW + "  b  gone (committed or aborted)\n");
    }
}
