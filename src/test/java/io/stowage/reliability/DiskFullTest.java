package io.stowage.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.content.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code stowage serve} whose root is on an 8 MiB tmpfs the test mounts ({@code mount -t tmpfs}, so the
 * test needs root: without it, it is skipped unless {@code CI} is set, where it fails). Another file fills the
 * file system; then ingests (a PUT, a write session that runs out of space in the middle, a commit) fail with
 * 507 {@code resource_exhausted} and nothing else, reads keep working, no partial blob appears, and once the
 * file is removed the ingests resume at bytes whose digest they report and commit.
 */
@Tag("process")
class DiskFullTest {
    private static final long FS_BYTES = 8L << 20;
    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;

    private Path mount;
    private boolean mounted;
    private ServerProcess server;

    @BeforeEach
    void mountTmpfs() throws Exception {
        boolean root = "0".equals(run("id", "-u").trim());
        if (!root) {
            if (System.getenv("CI") == null) {
                Assumptions.abort("DiskFullTest mounts a tmpfs and needs root (run as root, or set CI to fail)");
            }
            fail("DiskFullTest mounts a tmpfs and needs root; CI is set, so it must run");
        }
        mount = Files.createDirectory(dir.resolve("fs"));
        try {
            run("mount", "-t", "tmpfs", "-o", "size=" + FS_BYTES, "tmpfs", mount.toString());
        } catch (IOException e) {
            // root without the right to mount: a container without CAP_SYS_ADMIN, which no test can work around
            Assumptions.abort("DiskFullTest: this machine refuses mount -t tmpfs even to root: " + e.getMessage());
        }
        mounted = true;
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.close();
        }
        if (mounted) {
            run("umount", mount.toString());
        }
    }

    @Test
    void ingestsOnAFullFileSystemFailWithResourceExhaustedReadsGoOnAndIngestsResumeOnceSpaceIsFreed()
            throws Exception {
        Path store = mount.resolve("store");
        server = ServerProcess.start(store, List.of(), List.of());
        Api api = new Api(server.uri());
        byte[] kept = random(1 << 20, 1);
        Digest keptDigest = Digest.sha256(kept);
        Api.Reply r = api.put("/v1/ingests/kept?commit=true&label=k%3Dv", kept, 0, kept.length);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);

        // a commit whose data is written but whose publication meets a full disk
        byte[] late = random(8 * 1024, 2);
        WsSession lateSession = api.session("late", "total=" + late.length + "&expected=" + Digest.sha256(late));
        lateSession.send(late, 0, late.length);
        assertThat(lateSession.request("{\"action\":\"stat\"}").get("offset").asLong()).isEqualTo(late.length);

        // another file takes all but 256 KiB: an ingest of 2 MiB opens, then runs out of space
        Path filler = mount.resolve("filler");
        fill(filler);
        shrink(filler, 256 * 1024);
        byte[] big = random(2 << 20, 3);
        WsSession bigSession = api.session("big", "total=" + big.length + "&expected=" + Digest.sha256(big));
        for (int off = 0; off < big.length; off += CHUNK) {
            if (!trySend(bigSession, big, off, Math.min(CHUNK, big.length - off))) {
                break;
            }
        }
        JsonNode bigError = answerOrError(bigSession, "{\"action\":\"stat\"}");
        assertThat(bigError.at("/error/code").asText()).as(bigError.toString()).isEqualTo("resource_exhausted");
        assertThat(bigSession.awaitClose()).isEqualTo(1011);
        bigSession.close();

        // now nothing is left at all
        fill(filler);
        byte[] small = random(16 * 1024, 4);
        r = api.put("/v1/ingests/small?commit=true", small, 0, small.length);
        assertThat(r.status()).as(r.toString()).isEqualTo(507);
        assertThat(r.code()).isEqualTo("resource_exhausted");
        JsonNode lateAnswer = answerOrError(lateSession, "{\"action\":\"commit\"}");
        String lateOutcome = lateAnswer.has("error") ? lateAnswer.at("/error/code").asText() : "committed";
        assertThat(lateOutcome).as(lateAnswer.toString()).isIn("committed", "resource_exhausted");
        lateSession.close();

        // reads go on
        r = api.get("/v1/content/" + keptDigest);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(kept);
        r = api.get("/v1/content/" + keptDigest + "/info");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/labels/k").asText()).isEqualTo("v");
        assertThat(listed(api)).contains(keptDigest.toString())
                .doesNotContain(Digest.sha256(big).toString(), Digest.sha256(small).toString());
        assertThat(api.get("/v1/content/" + Digest.sha256(big) + "/info").status()).isEqualTo(404);
        r = api.get("/v1/ingests");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertBlobsRehash(store);

        // space freed: every ingest resumes and commits
        Files.delete(filler);
        resumeAndCommit(api, "big", big);
        r = api.put("/v1/ingests/small?commit=true", small, 0, small.length);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        if (!lateOutcome.equals("committed")) {
            resumeAndCommit(api, "late", late);
        }
        assertThat(listed(api)).contains(keptDigest.toString(), Digest.sha256(big).toString(),
                Digest.sha256(small).toString(), Digest.sha256(late).toString());
        assertThat(api.get("/v1/content/" + keptDigest).body()).isEqualTo(kept);
        assertBlobsRehash(store);
        assertThat(server.trouble()).isEmpty();
    }

    /** Reopens the ingest: it reports an offset whose bytes hash to its digest; sends the rest and commits. */
    private static void resumeAndCommit(Api api, String ref, byte[] data) throws IOException {
        try (WsSession ws = api.session(ref, "")) {
            JsonNode st = ws.request("{\"action\":\"stat\"}");
            int offset = st.get("offset").intValue();
            assertThat(offset).isBetween(0, data.length);
            assertThat(st.get("digest").asText()).as(ref)
                    .isEqualTo(Digest.sha256(Arrays.copyOf(data, offset)).toString());
            for (int off = offset; off < data.length; off += CHUNK) {
                ws.send(data, off, Math.min(CHUNK, data.length - off));
            }
            JsonNode done = ws.request("{\"action\":\"commit\",\"total\":" + data.length + ",\"expected\":\""
                    + Digest.sha256(data) + "\"}");
            assertThat(done.path("digest").asText()).as(done.toString()).isEqualTo(Digest.sha256(data).toString());
        }
    }

    /** Every file under blobs/ re-hashes to its name: nothing partial was published. */
    private static void assertBlobsRehash(Path store) throws IOException {
        try (Stream<Path> files = Files.walk(store.resolve("blobs"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getParent().getFileName() + ":" + f.getFileName();
                assertThat(Digest.sha256(Files.readAllBytes(f)).toString()).as(name).isEqualTo(name);
            }
        }
    }

    private static List<String> listed(Api api) throws IOException {
        Api.Reply r = api.get("/v1/content");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().forEach(i -> out.add(i.get("digest").asText()));
        return out;
    }

    private static boolean trySend(WsSession ws, byte[] data, int off, int len) {
        try {
            ws.send(data, off, len);
            return true;
        } catch (IOException e) {
            return false;   // the server ended the session: its error is waiting
        }
    }

    /** Sends a request; returns its answer, or the error that ended the session first. */
    private static JsonNode answerOrError(WsSession ws, String json) throws IOException {
        try {
            return ws.request(json);
        } catch (IOException e) {
            return ws.next();
        }
    }

    /** Appends to {@code file} until the file system is full. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[CHUNK];
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (long i = 0; i < 2 * FS_BYTES / CHUNK; i++) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
            return;
        }
        fail("wrote twice the file system's size into " + file + " without running out of space");
    }

    private static void shrink(Path file, long by) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(Math.max(0, ch.size() - by));
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

}
