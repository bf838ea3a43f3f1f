package io.stowage.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whole-blob GET load generator that reads like the kernel's own bound: per connection one thread, a blocking
 * {@link SocketChannel} and a 1 MiB direct buffer, so that a body byte costs the client one copy out of the socket
 * and nothing else (no poll before each read, no write of the body anywhere, no process per request).
 * curl, the single-connection client of {@code registry_bench.sh}, polls before every 100 KiB read and writes each
 * piece to {@code /dev/null}; on 2 cores that caps a {@code sendfile} server well below the loopback's bound (see
 * {@code NETWORK.md}), and this client exists to measure the server instead.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.stowage.bench.GetLoad URL CONNECTIONS SECONDS
 * </pre>
 *
 * Each connection sends {@code GET URL} over HTTP/1.1 keep-alive (with {@code -DnewConnection=true} a new connection
 * per request, like a curl process) and reads the body by its {@code Content-Length} (the only framing it accepts;
 * anything else, a non-200 status or a short body is an error), for {@code -DwarmSeconds} (default 2) untimed,
 * then SECONDS timed. A request still running when the time is up is finished and counted. Prints one line:
 * {@code GETLOAD connections=.. requests=.. seconds=.. mb_per_s=.. req_per_s=.. p50_ms=.. p99_ms=.. errors=..},
 * with {@code -DserverPid=PID} also the server's CPU over the timed part ({@code server_cpu_s= cpu_s_per_gib=}).
 * Exits 1 when any request failed.
 */
public final class GetLoad {
    private static final int BUFFER = 1 << 20;

    private final InetSocketAddress address;
    private final byte[] request;
    private final boolean newConnection = Boolean.getBoolean("newConnection");
    private final AtomicInteger errors = new AtomicInteger();

    private GetLoad(URI uri) {
        this.address = new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        this.request = ("GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + address.getPort()
                + "\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: GetLoad URL CONNECTIONS SECONDS");
            System.exit(2);
        }
        GetLoad load = new GetLoad(URI.create(args[0]));
        int connections = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        long pid = Long.getLong("serverPid", 0);
        load.run(connections, Long.getLong("warmSeconds", 2));
        double cpu0 = pid > 0 ? ProcessCpu.seconds(pid) : 0;
        Result r = load.run(connections, seconds);
        String line = r.format(connections);
        if (pid > 0) {
            double cpu = ProcessCpu.seconds(pid) - cpu0;
            line += String.format(Locale.ROOT, " server_cpu_s=%.2f cpu_s_per_gib=%.3f", cpu,
                    cpu / Math.max(1e-9, r.bytes / (double) (1L << 30)));
        }
        System.out.println(line);
        System.exit(load.errors.get() == 0 ? 0 : 1);
    }

    private record Result(long bytes, double seconds, long[] latenciesNanos, int errors) {
        String format(int connections) {
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            double p50 = sorted.length == 0 ? 0 : sorted[sorted.length / 2] / 1e6;
            double p99 = sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)] / 1e6;
            return String.format(Locale.ROOT, "GETLOAD connections=%d requests=%d seconds=%.3f mb_per_s=%.1f"
                            + " req_per_s=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d", connections, sorted.length, seconds,
                    bytes / seconds / 1e6, sorted.length / seconds, p50, p99, errors);
        }
    }

    private Result run(int connections, double seconds) throws InterruptedException {
        int errorsBefore = errors.get();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Worker w = new Worker(end);
            workers.add(w);
            w.start();
        }
        long bytes = 0;
        List<Long> latencies = new ArrayList<>();
        for (Worker w : workers) {
            w.join();
            bytes += w.bytes;
            latencies.addAll(w.latencies);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Result(bytes, elapsed, latencies.stream().mapToLong(Long::longValue).toArray(),
                errors.get() - errorsBefore);
    }

    /** One connection's loop: requests until the end time, each read to the end of its body. */
    private final class Worker extends Thread {
        private final long end;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        private final List<Long> latencies = new ArrayList<>();
        private long bytes;
        private SocketChannel channel;

        Worker(long end) {
            super("get-load");
            this.end = end;
        }

        @Override
        public void run() {
            try {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    long body = get();
                    if (body < 0) {
                        return;
                    }
                    latencies.add(System.nanoTime() - t0);
                    bytes += body;
                    if (newConnection) {
                        close();
                    }
                }
            } finally {
                close();
            }
        }

        /** One request; the body's length, or -1 after counting an error (the connection is dropped). */
        private long get() {
            try {
                if (channel == null) {
                    channel = SocketChannel.open(address);
                }
                ByteBuffer req = ByteBuffer.wrap(request);
                while (req.hasRemaining()) {
                    channel.write(req);
                }
                buffer.clear();
                int headerEnd;
                while ((headerEnd = headerEnd(buffer)) < 0) {
                    if (!buffer.hasRemaining() || channel.read(buffer) < 0) {
                        return error("no complete response head");
                    }
                }
                String head = StandardCharsets.ISO_8859_1.decode(buffer.duplicate().flip().limit(headerEnd)).toString();
                if (!head.startsWith("HTTP/1.1 200")) {
                    return error(head.lines().findFirst().orElse("empty response"));
                }
                long length = contentLength(head);
                if (length < 0) {
                    return error("no Content-Length");
                }
                long got = buffer.position() - headerEnd - 4L;
                while (got < length) {
                    buffer.clear();
                    int n = channel.read(buffer);
                    if (n < 0) {
                        return error("body ended after " + got + " of " + length + " bytes");
                    }
                    got += n;
                }
                if (got > length) {
                    return error("more bytes than Content-Length");
                }
                return length;
            } catch (IOException e) {
                return error(e.toString());
            }
        }

        private long error(String why) {
            if (errors.incrementAndGet() <= 5) {
                System.err.println("GET " + address + ": " + why);
            }
            close();
            return -1;
        }

        private void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the connection is dropped either way
                }
                channel = null;
            }
        }
    }

    /** Offset of the blank line ending the head in what was read so far, or -1. */
    private static int headerEnd(ByteBuffer b) {
        for (int i = 3; i < b.position(); i++) {
            if (b.get(i) == '\n' && b.get(i - 1) == '\r' && b.get(i - 2) == '\n' && b.get(i - 3) == '\r') {
                return i - 3;
            }
        }
        return -1;
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                return Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        return -1;
    }
}
