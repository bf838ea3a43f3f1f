package io.stowage.content;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import reactor.core.publisher.Flux;

/**
 * Test content: bytes (seeded random, so every run writes the same blobs) and their digest, computed here with
 * {@link java.security.MessageDigest} and never taken from a store. Immutable: the bytes are never handed out
 * for writing, only as read-only buffers.
 */
final class Blob {
    private final byte[] bytes;
    private final Digest digest;

    private Blob(byte[] bytes, String algorithm) {
        this.bytes = bytes;
        this.digest = Digest.of(algorithm, bytes);
    }

    /** {@code size} random bytes from {@code seed}, digested with sha256. */
    static Blob random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return new Blob(b, Digest.SHA256);
    }

    static Blob of(byte[] bytes) {
        return new Blob(bytes.clone(), Digest.SHA256);
    }

    static Blob of(String utf8) {
        return new Blob(utf8.getBytes(StandardCharsets.UTF_8), Digest.SHA256);
    }

    /** The same bytes digested with {@code algorithm}. */
    Blob digestedWith(String algorithm) {
        return new Blob(bytes, algorithm);
    }

    int size() {
        return bytes.length;
    }

    Digest digest() {
        return digest;
    }

    /** A copy of the bytes. */
    byte[] bytes() {
        return bytes.clone();
    }

    /** Bytes {@code [from, to)} as a blob of their own (sha256). */
    Blob slice(int from, int to) {
        return new Blob(Arrays.copyOfRange(bytes, from, to), Digest.SHA256);
    }

    /** The first {@code n} bytes (sha256). */
    Blob prefix(int n) {
        return slice(0, n);
    }

    /** These bytes followed by {@code more} (sha256). */
    Blob concat(Blob more) {
        byte[] b = Arrays.copyOf(bytes, bytes.length + more.bytes.length);
        System.arraycopy(more.bytes, 0, b, bytes.length, more.bytes.length);
        return new Blob(b, Digest.SHA256);
    }

    Descriptor descriptor() {
        return new Descriptor("application/octet-stream", digest, bytes.length, Map.of());
    }

    /** The whole blob as read-only buffers of {@code chunk} bytes (the last one shorter), fresh per subscription. */
    Flux<ByteBuffer> chunks(int chunk) {
        return chunks(0, chunk);
    }

    /** The bytes from {@code from} on as read-only buffers of {@code chunk} bytes, fresh per subscription. */
    Flux<ByteBuffer> chunks(int from, int chunk) {
        int n = (bytes.length - from + chunk - 1) / chunk;
        return Flux.range(0, n).map(i -> {
            int start = from + i * chunk;
            return ByteBuffer.wrap(bytes, start, Math.min(chunk, bytes.length - start)).slice().asReadOnlyBuffer();
        });
    }

    @Override
    public String toString() {
        return bytes.length + " bytes " + digest;
    }
}
