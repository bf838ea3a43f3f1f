package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Writer;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * The whole path: {@code serve} in-process on 127.0.0.1:0 with a temp root, and every content command and
 * {@code plugins} against it through the remote store client, with captured streams.
 */
class CliEndToEndTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ShutdownSignal shutdown = ShutdownSignal.manual();
    private final CliEnvironment env = CliEnvironment.of(System.in, System.out, System.err);
    private Future<CliRunner.Result> serving;
    private String address;
    private CliRunner cli;

    @BeforeEach
    void serve() throws Exception {
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        CliRunner server = new CliRunner(env.withShutdown(shutdown).withOnServing(bound::complete));
        serving = executor.submit(() -> {
            CliRunner.Result r = server.run("serve", "--listen", "127.0.0.1:0", "--root", root.toString());
            bound.completeExceptionally(new AssertionError("serve ended: " + r));
            return r;
        });
        address = "http://127.0.0.1:" + bound.get(30, TimeUnit.SECONDS).getPort();
        cli = new CliRunner(env);
    }

    @AfterEach
    void stop() throws Exception {
        shutdown.request();
        CliRunner.Result served = serving.get(30, TimeUnit.SECONDS);
        executor.shutdownNow();
        assertThat(served.exit()).as(served.toString()).isZero();
    }

    private CliRunner.Result run(byte[] stdin, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--address";
        all[1] = address;
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.run(stdin, all);
    }

    private CliRunner.Result run(String... args) {
        return run(new byte[0], args);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** Leaves an ingest of {@code ref} holding the first {@code held} bytes of {@code data}, its lock released. */
    private void partialIngest(String ref, byte[] data, int held) {
        try (ContentStore store = env.connector().apply(URI.create(address))) {
            Writer w = store.writer(ref, data.length, null).block(T);
            w.write(Mono.just(ByteBuffer.wrap(Arrays.copyOf(data, held)))).block(T);
            w.close().block(T);
        }
    }

    @Test
    void everyContentCommandAgainstARealServer() {
        byte[] data = randomBytes(5 * StdinChunks.CHUNK + 3);
        Digest d = Digest.sha256(data);

        CliRunner.Result ingest = run(data, "content", "ingest", "e2e-1", "--total", "" + data.length,
                "--expected", d.toString(), "--label", "kind=test");
        assertThat(ingest.exit()).as(ingest.toString()).isZero();
        assertThat(ingest.out()).isEqualTo(d + "\n");

        CliRunner.Result ls = run("content", "ls");
        assertThat(ls.exit()).as(ls.toString()).isZero();
        assertThat(ls.out()).containsPattern(d + " +5\\.0 MiB +\\d+s +kind=test\n");

        CliRunner.Result info = run("content", "info", d.toString());
        assertThat(info.exit()).as(info.toString()).isZero();
        assertThat(info.out()).contains("\"size\" : " + data.length, "\"kind\" : \"test\"");

        CliRunner.Result label = run("content", "label", d.toString(), "a=1", "kind=");
        assertThat(label.exit()).as(label.toString()).isZero();
        assertThat(label.out()).isEqualTo("a=1\n");

        CliRunner.Result get = run("content", "get", d.toString());
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo(data);

        byte[] resumable = randomBytes(3 * StdinChunks.CHUNK);
        partialIngest("partial", resumable, StdinChunks.CHUNK + 100);
        partialIngest("doomed", new byte[10], 4);
        CliRunner.Result active = run("content", "active");
        assertThat(active.exit()).as(active.toString()).isZero();
        assertThat(active.out())
                .containsPattern("partial +" + (StdinChunks.CHUNK + 100) + " +" + resumable.length + " +\\d+s ago")
                .containsPattern("doomed +4 +10 ");

        CliRunner.Result resumed = run(resumable, "content", "ingest", "partial", "--total", "" + resumable.length);
        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        assertThat(resumed.out()).isEqualTo(Digest.sha256(resumable) + "\n");
        assertThat(resumed.stderr()).contains("resuming ingest partial at byte " + (StdinChunks.CHUNK + 100));
        assertThat(run("content", "get", Digest.sha256(resumable).toString()).stdout()).isEqualTo(resumable);

        assertThat(run("content", "abort", "doomed").exit()).isZero();
        assertThat(run("content", "active").out().lines()).containsExactly("REF  OFFSET  TOTAL  UPDATED");
        CliRunner.Result abortAgain = run("content", "abort", "doomed");
        assertThat(abortAgain.exit()).isEqualTo(ExitStatus.NOT_FOUND.exitCode());
        assertThat(abortAgain.stderr()).startsWith("stowage: not_found: ").hasLineCount(1);

        CliRunner.Result rm = run("content", "rm", d.toString());
        assertThat(rm.exit()).as(rm.toString()).isZero();
        assertThat(rm.out()).isEqualTo(d + "\n");
        CliRunner.Result gone = run("content", "get", d.toString());
        assertThat(gone.exit()).isEqualTo(ExitStatus.NOT_FOUND.exitCode());
        assertThat(gone.stderr()).startsWith("stowage: not_found: ").hasLineCount(1);
        assertThat(gone.stdout()).isEmpty();

        CliRunner.Result plugins = run("plugins");
        assertThat(plugins.exit()).as(plugins.toString()).isZero();
        List<String> rows = plugins.out().lines().toList();
        assertThat(rows.get(0)).matches("TYPE +ID +STATUS +ERROR");
        assertThat(rows.subList(1, rows.size())).allMatch(r -> r.matches("\\S+ +\\S+ +ok +-"))
                .anyMatch(r -> r.matches("content +local +ok +-"))
                .anyMatch(r -> r.matches("service +content +ok +-"))
                .anyMatch(r -> r.matches("service +plugins +ok +-"));
    }

    @Test
    void ingestErrorsComeBackAsOneLine() {
        byte[] data = "abc".getBytes(StandardCharsets.UTF_8);
        CliRunner.Result mismatch = run(data, "content", "ingest", "bad", "--expected",
                Digest.sha256(new byte[] {1}).toString());
        assertThat(mismatch.exit()).as(mismatch.toString()).isEqualTo(ExitStatus.FAILED_PRECONDITION.exitCode());
        assertThat(mismatch.stderr()).startsWith("stowage: failed_precondition: ").hasLineCount(1);

        CliRunner.Result tooLong = run(data, "content", "ingest", "big", "--total", "2");
        assertThat(tooLong.exit()).as(tooLong.toString()).isEqualTo(ExitStatus.INVALID_ARGUMENT.exitCode());
        assertThat(tooLong.stderr()).startsWith("stowage: invalid_argument: ").contains("declared total 2");
    }

    @Test
    void watchPrintsALinePerChangeUntilInterrupted() throws Exception {
        byte[] data = new byte[1000];
        partialIngest("watched", data, 100);
        WatchedOutput out = new WatchedOutput();
        CompletableFuture<Void> first = out.when("watched  100/1000  10%");
        CompletableFuture<Void> second = out.when("watched  250/1000  25%");
        CliEnvironment watching = new CliEnvironment(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Map.of(), false, env.connector(),
                ShutdownSignal.manual(), a -> { }, env.imageConnector());
        Future<Integer> watch = executor.submit(() -> Main.commandLine(watching)
                .execute("--address", address, "content", "active", "--watch", "--interval", "50ms"));
        first.get(30, TimeUnit.SECONDS);

        try (ContentStore store = env.connector().apply(URI.create(address))) {
            Writer w = store.writer("watched", data.length, null).block(T);
            w.write(100, Mono.just(ByteBuffer.wrap(new byte[150]))).block(T);
            w.close().block(T);
        }
        second.get(30, TimeUnit.SECONDS);
        watch.cancel(true);
        assertThat(out.text()).doesNotContain("\033[");
    }

    @Test
    void ingestWaitsWhileAnotherWriterHoldsTheRef() throws Exception {
        byte[] data = "locked content".getBytes(StandardCharsets.UTF_8);
        WatchedOutput err = new WatchedOutput();
        CompletableFuture<Void> waiting = err.when("waiting for ingest held");
        ByteArrayOutputStreamWithText out = new ByteArrayOutputStreamWithText();
        CliEnvironment ingesting = new CliEnvironment(new ByteArrayInputStream(data),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), false, env.connector(), ShutdownSignal.manual(), a -> { }, env.imageConnector());
        try (ContentStore store = env.connector().apply(URI.create(address))) {
            Writer holder = store.writer("held", 0, null).block(T);
            Future<Integer> ingest = executor.submit(() -> Main.commandLine(ingesting)
                    .execute("--address", address, "content", "ingest", "held"));
            waiting.get(30, TimeUnit.SECONDS);
            holder.close().block(T);
            assertThat(ingest.get(30, TimeUnit.SECONDS)).as(err.text()).isZero();
        }
        assertThat(out.text()).isEqualTo(Digest.sha256(data) + "\n");
    }

    /** A byte sink whose text can be read at the end. */
    private static final class ByteArrayOutputStreamWithText extends java.io.ByteArrayOutputStream {
        String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    /** Captures text and completes futures when given substrings have appeared. */
    private static final class WatchedOutput extends OutputStream {
        private final StringBuffer text = new StringBuffer();
        private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

        CompletableFuture<Void> when(String s) {
            return waiting.computeIfAbsent(s, k -> new CompletableFuture<>());
        }

        String text() {
            return text.toString();
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            text.append(new String(b, off, len, StandardCharsets.UTF_8));
            String now = text.toString();
            waiting.forEach((s, f) -> {
                if (now.contains(s)) {
                    f.complete(null);
                }
            });
        }
    }
}
