package io.stowage.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Upload load generator for the OCI blob upload API ({@code /v2/<name>/blobs/uploads/}), the same requests against
 * any registry: keep-alive connections from one Reactor Netty client, so that the client does not cap the server
 * (a curl process per request costs more CPU than a small upload costs either server).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.stowage.bench.UploadLoad URL SIZE_BYTES COUNT CONCURRENCY [MODE [CHUNK]]
 *   MODE monolithic (POST, then PUT ?digest= with the whole body; default)
 *        chunked    (POST, PATCHes of CHUNK bytes with Content-Range, then an empty PUT ?digest=)
 * </pre>
 *
 * Every blob is new: a random base of SIZE bytes with the blob's number stamped into its first 8 bytes. Digests
 * are computed before the clock starts; bodies are sent from one shared read-only buffer per blob, sliced per
 * chunk. COUNT blobs run with at most CONCURRENCY at a time, after untimed warm-up rounds (see {@code warmUp}:
 * with {@code -DserverPid} until the server's CPU per blob stops falling). Prints one line: {@code UPLOAD blobs=.. seconds=.. blobs_per_s=.. mb_per_s=..
 * p50_ms=.. p99_ms=.. errors=..}, with {@code -DserverPid=PID} also the server's CPU over the timed round only
 * ({@code server_cpu_s= cpu_ms_per_blob= cpu_s_per_gib=}). Any non-2xx answer counts as an error and is printed
 * (the first five).
 */
public final class UploadLoad {
    private final String url;
    private final int size;
    private final boolean chunked;
    private final int chunk;
    private final byte[] base;
    private final HttpClient client;
    private final AtomicInteger errors = new AtomicInteger();

    private UploadLoad(String url, int size, int concurrency, boolean chunked, int chunk) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.size = size;
        this.chunked = chunked;
        this.chunk = chunk;
        this.base = new byte[size];
        new SplittableRandom(42).nextBytes(base);
        ConnectionProvider pool = ConnectionProvider.builder("upload-load")
                .maxConnections(concurrency).pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofMinutes(10)).build();
        this.client = HttpClient.create(pool).responseTimeout(Duration.ofMinutes(10));
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: UploadLoad URL SIZE_BYTES COUNT CONCURRENCY [monolithic|chunked [CHUNK_BYTES]]");
            System.exit(2);
        }
        String url = args[0];
        int size = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        boolean chunked = args.length > 4 && args[4].equals("chunked");
        int chunk = args.length > 5 ? Integer.parseInt(args[5]) : 8 << 20;
        UploadLoad load = new UploadLoad(url, size, concurrency, chunked, chunk);
        long seed = System.nanoTime();
        long pid = Long.getLong("serverPid", 0);
        seed = load.warmUp(seed, count, concurrency, pid);
        double cpu0 = pid > 0 ? ProcessCpu.seconds(pid) : 0;
        String result = load.run(seed, count, concurrency);
        if (pid > 0) {
            double cpu = ProcessCpu.seconds(pid) - cpu0;
            result += String.format(" server_cpu_s=%.2f cpu_ms_per_blob=%.3f cpu_s_per_gib=%.3f", cpu,
                    cpu * 1000 / count, cpu / ((double) count * size / (1L << 30)));
        }
        System.out.println(result);
        System.exit(load.errors.get() == 0 ? 0 : 1);
    }

    /**
     * Untimed rounds until both sides are warm: at least {@code -DwarmSeconds} (default 3) and, for blobs of up to
     * 1 MiB with a server pid, until the server's CPU per blob stops falling (a round within 5 % of the one before, or above it), at most
     * {@code -DwarmMaxSeconds} (default 120). A JVM server keeps compiling its hot paths for tens of seconds under
     * this load on 2 cores; a fixed 3 s measured its JIT more than its steady state. Prints one WARM line to
     * stderr; returns the next free blob id.
     */
    private long warmUp(long seed, int count, int concurrency, long pid) throws Exception {
        boolean untilSteady = pid > 0 && size <= 1 << 20;   // large blobs: few calls per byte, and disk space
        int round = untilSteady ? Math.max(4 * concurrency, Math.min(count, 1000)) : Math.min(count, 4 * concurrency);
        long start = System.nanoTime();
        long minEnd = start + Long.getLong("warmSeconds", 3) * 1_000_000_000L;
        long maxEnd = start + Long.getLong("warmMaxSeconds", 120) * 1_000_000_000L;
        double previous = Double.MAX_VALUE;
        int rounds = 0;
        while (true) {
            double cpu0 = untilSteady ? ProcessCpu.seconds(pid) : 0;
            run(seed, round, concurrency);
            seed += round;
            rounds++;
            double perBlob = untilSteady ? (ProcessCpu.seconds(pid) - cpu0) / round : 0;
            long now = System.nanoTime();
            boolean steady = !untilSteady || perBlob >= 0.95 * previous;
            if (now >= maxEnd || (now >= minEnd && steady)) {
                System.err.printf("WARM rounds=%d blobs=%d seconds=%.1f last_cpu_ms_per_blob=%.3f steady=%s%n", rounds,
                        (long) rounds * round, (now - start) / 1e9, perBlob * 1000, steady);
                return seed;
            }
            previous = perBlob;
        }
    }

    private String run(long firstId, int count, int concurrency) throws Exception {
        String[] digests = new String[count];
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < count; i++) {
            md.update(stamp(firstId + i), 0, 8);
            md.update(base, 8, size - 8);
            digests[i] = "sha256:" + HexFormat.of().formatHex(md.digest());
        }
        long[] latencies = new long[count];
        AtomicLong bytes = new AtomicLong();
        int before = errors.get();
        long t0 = System.nanoTime();
        Flux.range(0, count)
                .flatMap(i -> {
                    long s = System.nanoTime();
                    return upload(firstId + i, digests[i])
                            .doOnSuccess(ok -> {
                                latencies[i] = System.nanoTime() - s;
                                if (ok) {
                                    bytes.addAndGet(size);
                                }
                            });
                }, concurrency)
                .blockLast();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] sorted = Arrays.stream(latencies).sorted().toArray();
        return String.format("UPLOAD mode=%s size=%d count=%d concurrency=%d blobs=%d seconds=%.3f blobs_per_s=%.1f"
                        + " mb_per_s=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d",
                chunked ? "chunked" : "monolithic", size, count, concurrency, bytes.get() / Math.max(1, size),
                seconds, count / seconds, bytes.get() / seconds / 1e6,
                sorted[sorted.length / 2] / 1e6, sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)] / 1e6,
                errors.get() - before);
    }

    private static byte[] stamp(long id) {
        return ByteBuffer.allocate(8).putLong(id).array();
    }

    /** POST, then the body (one PUT, or PATCHes and a PUT); true when the last answer was 201. */
    private Mono<Boolean> upload(long id, String digest) {
        ByteBuf body = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(stamp(id)),
                Unpooled.wrappedBuffer(base, 8, size - 8)).asReadOnly();
        return client.post().uri(url + "/v2/bench/upload/blobs/uploads/")
                .responseSingle((res, b) -> b.then(Mono.just(res.status().code() == 202
                        ? location(res.responseHeaders().get(HttpHeaderNames.LOCATION))
                        : fail("POST", res.status().code()))))
                .flatMap(loc -> loc.isEmpty() ? Mono.just(false) : chunked
                        ? patches(loc, body, 0).flatMap(last -> put(last, digest, null))
                        : put(loc, digest, body));
    }

    private Mono<String> patches(String loc, ByteBuf body, int from) {
        if (from >= size) {
            return Mono.just(loc);
        }
        int n = Math.min(chunk, size - from);
        return client.headers(h -> h.set(HttpHeaderNames.CONTENT_LENGTH, n)
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                        .set(HttpHeaderNames.CONTENT_RANGE, from + "-" + (from + n - 1)))
                .patch().uri(loc).send(Mono.just(body.retainedSlice(from, n)))
                .responseSingle((res, b) -> b.then(Mono.just(res.status().code() == 202
                        ? location(res.responseHeaders().get(HttpHeaderNames.LOCATION))
                        : fail("PATCH", res.status().code()))))
                .flatMap(next -> next.isEmpty() ? Mono.just("") : patches(next, body, from + n));
    }

    private Mono<Boolean> put(String loc, String digest, ByteBuf body) {
        if (loc.isEmpty()) {
            return Mono.just(false);
        }
        int n = body == null ? 0 : size;
        String uri = loc + (loc.contains("?") ? "&" : "?") + "digest=" + digest;
        return client.headers(h -> h.set(HttpHeaderNames.CONTENT_LENGTH, n)
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream"))
                .put().uri(uri).send(body == null ? Mono.empty() : sliced(body))
                .responseSingle((res, b) -> b.then(Mono.just(res.status().code() == 201
                        || !fail("PUT", res.status().code()).isEmpty())));
    }

    /** The body in 1 MiB slices (a large blob as one buffer would make the client write it in one go). */
    private Flux<ByteBuf> sliced(ByteBuf body) {
        List<ByteBuf> parts = new ArrayList<>();
        for (int at = 0; at < size; at += 1 << 20) {
            parts.add(body.retainedSlice(at, Math.min(1 << 20, size - at)));
        }
        return Flux.fromIterable(parts);
    }

    private String location(String loc) {
        if (loc == null) {
            return fail("Location", 0);
        }
        return loc.startsWith("http") ? loc : url + loc;
    }

    private String fail(String what, int code) {
        if (errors.incrementAndGet() <= 5) {
            System.err.println(what + " answered " + code);
        }
        return "";
    }
}
