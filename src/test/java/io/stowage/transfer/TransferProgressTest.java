package io.stowage.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.Status;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Progress from the transfer's events and the store's ingest statuses. */
class TransferProgressTest {
    static Descriptor blob(String seed, long size) {
        return new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digest.sha256(seed.getBytes(StandardCharsets.UTF_8)), size);
    }

    @Test
    void bytesComeFromIngestStatusesAndStatesFromEvents() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2024-01-01T00:00:00Z"));
        TransferProgress p = TransferProgress.create(now::get);
        Descriptor a = blob("a", 1000);
        Descriptor b = blob("b", 500);
        p.onEvent(BlobEvent.of(a, BlobState.WAITING));
        p.onEvent(BlobEvent.of(b, BlobState.WAITING));
        p.onEvent(new BlobEvent(a, BlobState.DOWNLOADING, 100, "resuming at 100"));
        p.snapshot();

        now.set(now.get().plusSeconds(1));
        p.observe(List.of(new Status("pull-" + a.digest(), 600, 1000, a.digest(), null, null),
                new Status("other", 5, 0, null, null, null)));
        p.onEvent(BlobEvent.of(b, BlobState.EXISTS));
        TransferProgress.Snapshot s = p.snapshot();

        assertThat(s.blobs()).extracting(TransferProgress.Blob::shortDigest)
                .containsExactly(a.digest().shortHex(), b.digest().shortHex());
        TransferProgress.Blob first = s.blobs().get(0);
        assertThat(first.state()).isEqualTo(BlobState.DOWNLOADING);
        assertThat(first.done()).isEqualTo(600);
        assertThat(first.bytesPerSecond()).isPositive();
        assertThat(first.message()).isEqualTo("resuming at 100");
        assertThat(s.blobs().get(1).done()).isEqualTo(500);
        assertThat(s.done()).isEqualTo(1100);
        assertThat(s.total()).isEqualTo(1500);
        assertThat(s.finished()).isFalse();

        p.onEvent(BlobEvent.of(a, BlobState.DONE));
        p.onEvent(new BlobEvent(a, BlobState.DOWNLOADING, 3, null));
        assertThat(p.snapshot().finished()).as("a late event does not reopen a finished blob").isTrue();
        assertThat(Map.of()).isEmpty();
    }
}
