package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.transfer.BlobEvent;
import io.stowage.transfer.BlobState;
import io.stowage.transfer.TransferProgress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TransferViewTest {
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2024-01-01T00:00:00Z"));
    final TransferProgress progress = TransferProgress.create(now::get);
    final Descriptor a = new Descriptor("x", Digest.sha256("a".getBytes(StandardCharsets.UTF_8)), 2048);

    @Test
    void ttyRedrawsInPlaceWithATotalLine() {
        TransferView view = new TransferView(TransferView.Mode.TTY);
        progress.onEvent(new BlobEvent(a, BlobState.DOWNLOADING, 1024, null));
        String first = view.render(progress.snapshot(), false);
        assertThat(first).doesNotContain("\033[2A").contains(a.digest().shortHex() + "  downloading")
                .contains("[============>           ]  50%").contains("1.0 KiB / 2.0 KiB").contains("total");
        progress.onEvent(BlobEvent.of(a, BlobState.DONE));
        String second = view.render(progress.snapshot(), true);
        assertThat(second).startsWith("\033[2A\r").contains("done").contains("1/1 done").contains("100%");
    }

    @Test
    void plainPrintsStateChangesAndPeriodicProgress() {
        TransferView view = new TransferView(TransferView.Mode.PLAIN);
        progress.onEvent(BlobEvent.of(a, BlobState.WAITING));
        assertThat(view.render(progress.snapshot(), false)).contains("waiting").contains("total");
        progress.onEvent(new BlobEvent(a, BlobState.DOWNLOADING, 10, null));
        now.set(now.get().plusMillis(250));
        String quick = view.render(progress.snapshot(), false);
        assertThat(quick).contains("downloading").doesNotContain("total");
        now.set(now.get().plus(TransferView.PLAIN_EVERY));
        assertThat(view.render(progress.snapshot(), false)).contains("total").doesNotContain("\033");
    }

    @Test
    void jsonEmitsOneObjectPerChangeAndQuietNothing() {
        TransferView json = new TransferView(TransferView.Mode.JSON);
        progress.onEvent(new BlobEvent(a, BlobState.DOWNLOADING, 10, "resuming at 10"));
        assertThat(json.render(progress.snapshot(), false)).isEqualTo("{\"digest\":\"" + a.digest() + "\",\"short\":\""
                + a.digest().shortHex() + "\",\"state\":\"downloading\",\"done\":10,\"total\":2048,\"speed\":0,"
                + "\"message\":\"resuming at 10\"}\n");
        assertThat(json.render(progress.snapshot(), false)).isEmpty();
        assertThat(new TransferView(TransferView.Mode.QUIET).render(progress.snapshot(), true)).isEmpty();
    }
}
