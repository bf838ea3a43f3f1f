package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Writer;
import io.stowage.content.local.LocalContentStore;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * The content commands against a local store (the connector opens it on a temp root instead of connecting to a
 * server): parsing, output formats, resume, exit statuses and error lines.
 */
class ContentCommandsTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private final List<URI> connectedTo = new CopyOnWriteArrayList<>();
    private CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(CliEnvironment.of(System.in, System.out, System.err).withConnector(uri -> {
            connectedTo.add(uri);
            return LocalContentStore.open(root);
        }));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void ingestPrintsTheDigestAndGetReturnsTheBytes() {
        byte[] data = randomBytes(3 * StdinChunks.CHUNK + 12345);
        Digest d = Digest.sha256(data);

        CliRunner.Result ingest = cli.run(data, "content", "ingest", "blob-1", "--total", "" + data.length,
                "--expected", d.toString(), "--label", "kind=layer", "--label", "owner=me");
        assertThat(ingest.exit()).as(ingest.toString()).isZero();
        assertThat(ingest.out()).isEqualTo(d + "\n");

        CliRunner.Result get = cli.run("content", "get", d.toString());
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo(data);
        assertThat(connectedTo).allMatch(u -> u.equals(URI.create(Main.DEFAULT_ADDRESS)));
    }

    @Test
    void lsInfoLabelAndRm() {
        byte[] data = "hello stowage".getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.sha256(data);
        assertThat(cli.run(data, "content", "ingest", "r", "--label", "a=1").exit()).isZero();

        CliRunner.Result ls = cli.run("content", "ls");
        assertThat(ls.out().lines().toList()).hasSize(2);
        assertThat(ls.out().lines().findFirst().orElseThrow()).matches("DIGEST +SIZE +AGE +LABELS");
        assertThat(ls.out()).containsPattern(d + " +13 B +\\d+s +a=1\n");
        assertThat(cli.run("content", "ls", "-q").out()).isEqualTo(d + "\n");

        CliRunner.Result info = cli.run("content", "info", d.toString());
        assertThat(info.exit()).isZero();
        assertThat(info.out()).contains("\"digest\" : \"" + d + "\"", "\"size\" : 13", "\"a\" : \"1\"",
                "\"createdAt\" : \"20");

        CliRunner.Result label = cli.run("content", "label", d.toString(), "b=2", "c=3", "a=");
        assertThat(label.exit()).as(label.toString()).isZero();
        assertThat(label.out()).isEqualTo("b=2,c=3\n");
        assertThat(cli.run("content", "label", d.toString()).out()).isEqualTo("b=2,c=3\n");

        CliRunner.Result rm = cli.run("content", "rm", d.toString());
        assertThat(rm.exit()).isZero();
        assertThat(rm.out()).isEqualTo(d + "\n");

        CliRunner.Result gone = cli.run("content", "info", d.toString());
        assertThat(gone.exit()).isEqualTo(ExitStatus.NOT_FOUND.exitCode());
        assertThat(gone.stderr()).startsWith("stowage: not_found: ").endsWith("\n");
        assertThat(gone.stderr().lines()).hasSize(1);
    }

    @Test
    void rmGoesOnAfterAFailureAndExitsWithTheFirst() {
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.sha256(data);
        cli.run(data, "content", "ingest", "x");
        Digest missing = Digest.sha256(new byte[] {1});
        CliRunner.Result rm = cli.run("content", "rm", missing.toString(), d.toString());
        assertThat(rm.exit()).isEqualTo(ExitStatus.NOT_FOUND.exitCode());
        assertThat(rm.out()).isEqualTo(d + "\n");
        assertThat(rm.stderr()).startsWith("stowage: not_found: ").contains(missing.hex());
    }

    @Test
    void ingestResumesAnInterruptedIngestBySkippingWhatItHolds() {
        byte[] data = randomBytes(2 * StdinChunks.CHUNK + 77);
        int held = StdinChunks.CHUNK + 5;
        try (ContentStore store = LocalContentStore.open(root)) {
            Writer w = store.writer("resume-me", data.length, null).block(T);
            w.write(Mono.just(ByteBuffer.wrap(data, 0, held))).block(T);
            w.close().block(T);
        }
        CliRunner.Result r = cli.run(data, "content", "ingest", "resume-me", "--total", "" + data.length);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo(Digest.sha256(data) + "\n");
        assertThat(r.stderr()).contains("resuming ingest resume-me at byte " + held);
        assertThat(cli.run("content", "get", Digest.sha256(data).toString()).stdout()).isEqualTo(data);
    }

    @Test
    void resumingWithShorterInputFailsAndKeepsTheIngest() {
        try (ContentStore store = LocalContentStore.open(root)) {
            Writer w = store.writer("short", 0, null).block(T);
            w.write(Mono.just(ByteBuffer.wrap(new byte[100]))).block(T);
            w.close().block(T);
        }
        CliRunner.Result r = cli.run(new byte[40], "content", "ingest", "short");
        assertThat(r.exit()).isEqualTo(ExitStatus.FAILED_PRECONDITION.exitCode());
        assertThat(r.stderr()).contains("stowage: failed_precondition: stdin ended after 40 bytes, before the 100")
                .contains("stowage content abort short");
        assertThat(cli.run("content", "active").out()).containsPattern("short +100 +- ");
    }

    @Test
    void ingestOfStoredContentPrintsItsDigest() {
        byte[] data = "twice".getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.sha256(data);
        assertThat(cli.run(data, "content", "ingest", "one").exit()).isZero();
        CliRunner.Result withExpected = cli.run(data, "content", "ingest", "two", "--expected", d.toString());
        assertThat(withExpected.exit()).as(withExpected.toString()).isZero();
        assertThat(withExpected.out()).isEqualTo(d + "\n");
        CliRunner.Result without = cli.run(data, "content", "ingest", "three");
        assertThat(without.exit()).as(without.toString()).isZero();
        assertThat(without.out()).isEqualTo(d + "\n");
    }

    @Test
    void aMismatchOnCommitIsFailedPrecondition() {
        byte[] data = "abc".getBytes(StandardCharsets.UTF_8);
        CliRunner.Result r = cli.run(data, "content", "ingest", "bad", "--expected",
                Digest.sha256(new byte[] {9}).toString());
        assertThat(r.exit()).isEqualTo(ExitStatus.FAILED_PRECONDITION.exitCode());
        assertThat(r.stderr()).startsWith("stowage: failed_precondition: ");
    }

    @Test
    void activeListsIngestsAndAbortRemovesThem() {
        try (ContentStore store = LocalContentStore.open(root)) {
            Writer w = store.writer("layer-1", 1000, null).block(T);
            w.write(Mono.just(ByteBuffer.wrap(new byte[250]))).block(T);
            w.close().block(T);
            store.writer("other", 0, null).flatMap(Writer::close).block(T);
        }
        CliRunner.Result active = cli.run("content", "active");
        assertThat(active.exit()).isZero();
        assertThat(active.out().lines().toList()).hasSize(3);
        assertThat(active.out()).containsPattern("REF +OFFSET +TOTAL +UPDATED")
                .containsPattern("layer-1 +250 +1000 +\\d+s ago")
                .containsPattern("other +0 +- +\\d+s ago");

        assertThat(cli.run("content", "abort", "layer-1").exit()).isZero();
        assertThat(cli.run("content", "active").out()).doesNotContain("layer-1");
        CliRunner.Result again = cli.run("content", "abort", "layer-1");
        assertThat(again.exit()).isEqualTo(ExitStatus.NOT_FOUND.exitCode());
        assertThat(again.stderr()).startsWith("stowage: not_found: ");
    }

    @Test
    void usageErrorsAreOneLineWithStatusTwo() {
        for (String[] args : List.of(new String[] {}, new String[] {"content"}, new String[] {"content", "nope"},
                new String[] {"content", "get"}, new String[] {"content", "ingest", "r", "--total", "x"},
                new String[] {"content", "label", Digest.sha256(new byte[0]).toString(), "novalue"},
                new String[] {"content", "ingest", "r", "--label", "novalue"},
                new String[] {"content", "active", "--watch", "--interval", "0s"})) {
            CliRunner.Result r = cli.run(args);
            assertThat(r.exit()).as(List.of(args) + ": " + r).isEqualTo(ExitStatus.USAGE.exitCode());
            assertThat(r.stderr()).as(List.of(args) + ": " + r).startsWith("stowage: usage: ");
            assertThat(r.stderr().lines()).as(List.of(args) + ": " + r).hasSize(1);
        }
    }

    @Test
    void badValuesAreInvalidArgument() {
        for (String[] args : List.of(new String[] {"content", "get", "sha256:xyz"},
                new String[] {"content", "ingest", "r", "--expected", "md5:00"},
                new String[] {"content", "ingest", "r", "--total", "-1"},
                new String[] {"content", "ingest", "x".repeat(257)},
                new String[] {"--address", "ftp://host/", "content", "ls"})) {
            CliRunner.Result r = cli.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(ExitStatus.INVALID_ARGUMENT.exitCode());
            assertThat(r.stderr()).as(r.toString()).startsWith("stowage: invalid_argument: ");
        }
    }

    @Test
    void theAddressComesFromTheOptionThenTheEnvironment() {
        CliRunner withEnv = new CliRunner(CliEnvironment.of(System.in, System.out, System.err)
                .withEnv(Map.of(Main.ADDRESS_ENV, "10.0.0.1:7000"))
                .withConnector(uri -> {
                    connectedTo.add(uri);
                    return LocalContentStore.open(root);
                }));
        withEnv.run("content", "ls");
        withEnv.run("--address", "http://10.0.0.2:7001", "content", "ls");
        withEnv.run("content", "ls", "--address", "https://example.com:7002");
        assertThat(connectedTo).containsExactly(URI.create("http://10.0.0.1:7000"), URI.create("http://10.0.0.2:7001"),
                URI.create("https://example.com:7002"));
    }
}
