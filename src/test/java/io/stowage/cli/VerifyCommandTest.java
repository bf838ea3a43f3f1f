package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.content.Digest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stowage content verify} and verify-on-read against a real {@code serve} (in-process, config
 * {@code plugins.content.local.verifyOnRead: true}): a blob file corrupted on disk is reported (exit status 13),
 * labelled, moved to {@code quarantine/} with {@code --quarantine}, and a read of it never ends cleanly.
 */
class VerifyCommandTest {
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
        Path config = Files.writeString(root.resolve("stowage.yaml"), """
                plugins:
                  content:
                    local:
                      verifyOnRead: true
                """);
        Path store = root.resolve("store");
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        CliRunner server = new CliRunner(env.withShutdown(shutdown).withOnServing(bound::complete));
        serving = executor.submit(() -> {
            CliRunner.Result r = server.run("serve", "--listen", "127.0.0.1:0", "--root", store.toString(),
                    "--config", config.toString());
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

    private Digest ingest(String ref, byte[] data) {
        CliRunner.Result r = run(data, "content", "ingest", ref, "--label", "ref=" + ref);
        assertThat(r.exit()).as(r.toString()).isZero();
        return Digest.parse(r.out().trim());
    }

    /** Flips one byte of the blob's file in place (the file is read-only: made writable, then back). */
    private void corrupt(Digest d, long at) throws IOException {
        Path file = root.resolve("store/blobs/sha256").resolve(d.hex());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    }

    @Test
    void verifyReportsLabelsAndQuarantinesACorruptBlobAndItsReadNeverEndsCleanly() throws Exception {
        byte[] goodBytes = random(700_000, 1);
        byte[] badBytes = random(600_000, 2);
        Digest good = ingest("good", goodBytes);
        Digest bad = ingest("bad", badBytes);
        Digest small = ingest("small", "tiny".getBytes());
        corrupt(bad, badBytes.length - 1);

        CliRunner.Result all = run("content", "verify", "--all");
        assertThat(all.exit()).as(all.toString()).isEqualTo(13);
        assertThat(all.out()).contains(bad + " corrupt: hashes to sha256:")
                .doesNotContain(good.toString(), small.toString())
                .endsWith("verified 3 blobs (1.2 MiB): 1 corrupt\n");
        CliRunner.Result one = run("content", "verify", "-v", good.toString(), small.toString());
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.out()).isEqualTo(good + " ok\n" + small + " ok\nverified 2 blobs (683.6 KiB): 0 corrupt\n");
        assertThat(run("content", "info", bad.toString()).out()).contains("\"stowage.io/corrupt\" : \"sha256:");

        // verify-on-read: the intact blob reads whole, the corrupt one never ends cleanly
        CliRunner.Result get = run("content", "get", good.toString());
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo(goodBytes);
        CliRunner.Result getBad = run("content", "get", bad.toString());
        assertThat(getBad.exit()).as(getBad.toString()).isNotZero();
        assertThat(getBad.stdout().length).isLessThan(badBytes.length);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(address + "/v1/content/" + bad)).timeout(T).build();
        assertThatThrownBy(() -> http.send(req, HttpResponse.BodyHandlers.ofByteArray()))
                .isInstanceOf(IOException.class);
        HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(URI.create(address + "/v1/content/" + good))
                .header("Range", "bytes=10-19").timeout(T).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).hasSize(10);

        CliRunner.Result q = run("content", "verify", "--all", "--quarantine");
        assertThat(q.exit()).as(q.toString()).isEqualTo(13);
        assertThat(q.out()).contains(bad + " corrupt: hashes to sha256:", ", quarantined\n")
                .endsWith("1 corrupt, 1 quarantined\n");
        assertThat(root.resolve("store/blobs/sha256").resolve(bad.hex())).doesNotExist();
        assertThat(root.resolve("store/quarantine/sha256").resolve(bad.hex())).exists();
        assertThat(run("content", "info", bad.toString()).exit()).isEqualTo(4);
        assertThat(run("content", "ls", "-q").out().lines()).containsExactlyInAnyOrder(good.toString(),
                small.toString());

        CliRunner.Result clean = run("content", "verify", "--all");
        assertThat(clean.exit()).as(clean.toString()).isZero();
        assertThat(clean.out()).isEqualTo("verified 2 blobs (683.6 KiB): 0 corrupt\n");
        assertThat(ingest("bad-again", badBytes)).isEqualTo(bad);
        assertThat(run("content", "get", bad.toString()).stdout()).isEqualTo(badBytes);
        assertThat(run("content", "verify", bad.toString()).exit()).isZero();
    }

    @Test
    void verifyNeedsDigestsOrAllAndReportsMissingBlobs() {
        assertThat(run("content", "verify").exit()).isEqualTo(2);
        Digest d = ingest("x", "x".getBytes());
        assertThat(run("content", "verify", "--all", d.toString()).exit()).isEqualTo(2);
        CliRunner.Result missing = run("content", "verify", Digest.sha256("nope".getBytes()).toString(),
                d.toString());
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(4);
        assertThat(missing.stderr()).contains("stowage: not_found:");
        assertThat(missing.out()).isEqualTo("verified 1 blob (1 B): 0 corrupt\n");
        assertThat(run("content", "verify", "not-a-digest").exit()).isEqualTo(3);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
