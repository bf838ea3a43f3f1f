package io.stowage.reliability;

import io.stowage.content.Digest;
import java.util.Arrays;
import java.util.Random;

/**
 * One blob of the crash workload (a ref, its bytes, their digest) and what the harness knows of its state in the
 * server: whether the blob is committed ({@link Presence}), the range its {@code gen} label must be in, and the
 * ingest bytes that were acknowledged and may not be lost. Operations update the model before they send (to the
 * pessimistic "maybe") and again when the answer comes; a crash leaves the "maybe"s, which the next check
 * resolves from what the restarted server shows. Used by one thread at a time.
 */
final class BlobPlan {
    enum Presence { NO, MAYBE, YES }

    final String ref;
    final byte[] content;
    final String digest;

    Presence presence = Presence.NO;
    /** The {@code gen} label of the committed blob is in [genAcked, genSent]; every commit and update sends a new one. */
    long genAcked;
    long genSent;
    /** Ingest bytes acknowledged (written, closed, status returned) and not reset, committed or aborted since. */
    long floor;
    /** The image {@link #imageName()} points at this blob with a {@code gen} label in [imageAcked, imageSent]. */
    long imageAcked;
    long imageSent;

    BlobPlan(String ref, byte[] content) {
        this.ref = ref;
        this.content = content;
        this.digest = Digest.sha256(content).toString();
    }

    /** A plan with random bytes: a fifth tiny, the rest up to 256 KiB or, for a third, up to 4 MiB. */
    static BlobPlan random(String ref, Random rnd) {
        int kind = rnd.nextInt(15);
        int size = kind < 3 ? rnd.nextInt(1025) : kind < 10 ? 4096 + rnd.nextInt(256 << 10)
                : (512 << 10) + rnd.nextInt(3584 << 10);
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        return new BlobPlan(ref, b);
    }

    /** The name of the image record that points at this blob. */
    String imageName() {
        return "crash.example/" + ref + ":latest";
    }

    int size() {
        return content.length;
    }

    /** The digest of the first {@code n} bytes. */
    String prefixDigest(long n) {
        return Digest.sha256(Arrays.copyOf(content, (int) n)).toString();
    }

    /** True when {@code data} is the start of this plan's bytes. */
    boolean isPrefix(byte[] data) {
        return data.length <= content.length && Arrays.equals(data, 0, data.length, content, 0, data.length);
    }

    @Override
    public String toString() {
        return ref + " (" + content.length + " bytes, " + digest + ", " + presence + ", gen " + genAcked + ".."
                + genSent + ", floor " + floor + ", image gen " + imageAcked + ".." + imageSent + ")";
    }
}
