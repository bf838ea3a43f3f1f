package io.stowage.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.content.Digest;
import io.stowage.content.local.IngestDirs;
import io.stowage.reliability.BlobPlan.Presence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The work of the crash test and its checks. Workers take {@link BlobPlan}s from a queue (so each plan is used by
 * one worker at a time) and do one step on each: a streamed PUT (resuming at the ingest's offset, sometimes
 * resetting it, often committing with labels), a WebSocket write session (checking the digest the writer reports
 * for its offset, writing frames, committing or closing), a label update, a read, an image record pointing at the
 * blob (PUT /v1/images, in the same metadata database), a delete or an abort. Any
 * answer the model does not allow is recorded as a failure; a connection failure ends the worker (the server
 * died) and is a failure only when no death was expected.
 *
 * <p>{@link #checkOnDisk} (server down) and {@link #checkLive} (server restarted) check what the store must
 * promise after a crash, and resolve the model's "maybe"s from what they see.
 */
final class CrashWorkload {
    private final List<BlobPlan> plans = new ArrayList<>();
    private final Map<String, BlobPlan> byRef = new HashMap<>();
    private final Map<String, BlobPlan> byDigest = new HashMap<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean deathExpected;
    private int steps;
    private int imagesSeen;

    CrashWorkload(int planCount, Random rnd) {
        for (int i = 0; i < planCount; i++) {
            BlobPlan p = BlobPlan.random("crash/plan-" + i, rnd);
            if (byDigest.containsKey(p.digest)) {
                continue;   // two tiny plans with the same bytes: keep one
            }
            plans.add(p);
            byRef.put(p.ref, p);
            byDigest.put(p.digest, p);
        }
    }

    List<String> failures() {
        return failures;
    }

    synchronized int steps() {
        return steps;
    }

    /** How many image records the live checks found (so a run shows that images were exercised). */
    int imagesSeen() {
        return imagesSeen;
    }

    /** From now on a connection failure is the expected death of the server, not a failure. */
    void expectDeath() {
        deathExpected = true;
    }

    /** Runs {@code workers} threads against {@code api} until {@link #expectDeath()} and the server's end. */
    List<Thread> start(Api api, int workers, Random rnd) {
        deathExpected = false;
        BlockingQueue<BlobPlan> idle = new ArrayBlockingQueue<>(plans.size());
        List<BlobPlan> shuffled = new ArrayList<>(plans);
        Collections.shuffle(shuffled, rnd);
        idle.addAll(shuffled);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Random own = new Random(rnd.nextLong());
            Thread t = new Thread(() -> work(api, idle, own), "crash-worker-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return threads;
    }

    private void work(Api api, BlockingQueue<BlobPlan> idle, Random rnd) {
        while (failures.isEmpty()) {
            BlobPlan p;
            try {
                p = idle.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (p == null) {
                continue;
            }
            try {
                step(api, p, rnd);
                synchronized (this) {
                    steps++;
                }
            } catch (IOException e) {
                if (!deathExpected) {
                    failures.add("connection failed while the server was up: " + p + ": " + e);
                }
                return;
            } catch (AssertionError | RuntimeException e) {
                failures.add(p + ": " + e);
                return;
            } finally {
                idle.add(p);
            }
        }
    }

    private void step(Api api, BlobPlan p, Random rnd) throws IOException {
        int x = rnd.nextInt(100);
        switch (p.presence) {
            case YES -> {
                if (x < 45) {
                    label(api, p);
                } else if (x < 70) {
                    read(api, p);
                } else if (x < 85) {
                    image(api, p);
                } else {
                    delete(api, p);
                }
            }
            case NO -> {
                if (x < 50) {
                    put(api, p, rnd);
                } else if (x < 95) {
                    session(api, p, rnd);
                } else {
                    abort(api, p);
                }
            }
            case MAYBE -> throw new AssertionError("unresolved plan handed out");
        }
    }

    // ---- operations

    private static String ingestPath(BlobPlan p) {
        return "/v1/ingests/" + Api.segment(p.ref);
    }

    private void put(Api api, BlobPlan p, Random rnd) throws IOException {
        Api.Reply st = api.get(ingestPath(p));
        long offset;
        if (st.status() == 200) {
            offset = st.json().get("offset").asLong();
        } else if (st.status() == 404) {
            offset = 0;
        } else {
            throw new AssertionError("GET ingest: " + st);
        }
        check(offset >= p.floor && offset <= p.size(), "ingest offset " + offset + " outside [floor, size]");
        long from = offset;
        if (offset > 0 && rnd.nextInt(20) == 0) {
            from = 0;   // a reset: the same bytes again from the start
            p.floor = 0;
        }
        long to = rnd.nextInt(10) < 6 ? p.size() : from + (long) (rnd.nextDouble() * (p.size() - from + 1));
        to = Math.min(to, p.size());
        boolean commit = to == p.size() && rnd.nextInt(10) < 8;
        StringBuilder q = new StringBuilder("?offset=" + from + "&total=" + p.size() + "&expected=" + p.digest);
        long gen = 0;
        if (commit) {
            gen = ++p.genSent;
            q.append("&commit=true&label=").append(Api.query("plan=" + p.ref))
                    .append("&label=").append(Api.query("gen=" + gen));
            p.presence = Presence.MAYBE;
            p.floor = 0;
        }
        Api.Reply r = api.put(ingestPath(p) + q, p.content, (int) from, (int) (to - from));
        switch (r.status()) {
            case 201 -> {
                check(commit, "201 without commit: " + r);
                check(r.json().get("digest").asText().equals(p.digest), "committed digest " + r);
                p.presence = Presence.YES;
                p.genAcked = gen;
            }
            case 200 -> {
                check(!commit, "200 for a commit: " + r);
                check(r.json().get("offset").asLong() == to, "PUT to " + to + " answered " + r);
                p.floor = to;
            }
            case 503 -> p.presence = p.presence == Presence.MAYBE ? Presence.NO : p.presence;   // still locked
            default -> throw new AssertionError("PUT " + q + ": " + r);
        }
    }

    private void session(Api api, BlobPlan p, Random rnd) throws IOException {
        WsSession s;
        try {
            s = api.session(p.ref, "total=" + p.size() + "&expected=" + Api.query(p.digest));
        } catch (WsSession.Refused e) {
            if (e.status == 503) {
                return;   // the previous session's close is still being handled
            }
            throw new AssertionError("write session refused: " + e.status);
        }
        try (s) {
            JsonNode st = answer(s.request("{\"action\":\"stat\"}"));
            long off = st.get("offset").asLong();
            check(off >= p.floor && off <= p.size(), "session offset " + off + " outside [floor, size]");
            check(st.get("digest").asText().equals(p.prefixDigest(off)),
                    "the writer reports " + st.get("digest") + " for offset " + off + ", the bytes hash to "
                            + p.prefixDigest(off));
            if (off > 0 && rnd.nextInt(20) == 0) {
                p.floor = 0;
                st = answer(s.request("{\"action\":\"write\",\"offset\":0}"));
                check(st.get("offset").asLong() == 0, "reset answered " + st);
                check(st.get("digest").asText().equals(p.prefixDigest(0)), "digest after reset " + st);
                off = 0;
            }
            long to = rnd.nextInt(10) < 6 ? p.size() : off + (long) (rnd.nextDouble() * (p.size() - off + 1));
            to = Math.min(to, p.size());
            while (off < to) {
                int n = (int) Math.min(to - off, 1024 + rnd.nextInt(1 << 20));
                s.send(p.content, (int) off, n);
                off += n;
                if (rnd.nextInt(8) == 0) {
                    st = answer(s.request("{\"action\":\"stat\"}"));
                    check(st.get("offset").asLong() == off, "stat after writing to " + off + ": " + st);
                    check(st.get("digest").asText().equals(p.prefixDigest(off)), "digest at " + off + ": " + st);
                }
            }
            if (to == p.size() && rnd.nextInt(10) < 8) {
                long gen = ++p.genSent;
                p.presence = Presence.MAYBE;
                p.floor = 0;
                JsonNode c = answer(s.request("{\"action\":\"commit\",\"labels\":{\"plan\":\"" + p.ref
                        + "\",\"gen\":\"" + gen + "\"}}"));
                check(c.get("action").asText().equals("commit") && c.get("digest").asText().equals(p.digest)
                        && c.get("offset").asLong() == p.size(), "commit answered " + c);
                p.presence = Presence.YES;
                p.genAcked = gen;
            } else {
                st = answer(s.request("{\"action\":\"stat\"}"));
                check(st.get("offset").asLong() == to, "stat after writing to " + to + ": " + st);
                p.floor = to;
            }
        }
    }

    private static JsonNode answer(JsonNode n) {
        check(!n.has("error"), "write session error " + n);
        return n;
    }

    private void label(Api api, BlobPlan p) throws IOException {
        long gen = ++p.genSent;
        Api.Reply r = api.patch("/v1/content/" + p.digest + "/info?fieldpath=labels.gen",
                "{\"labels\":{\"gen\":\"" + gen + "\"}}");
        check(r.status() == 200, "PATCH labels: " + r);
        check(r.json().get("labels").get("gen").asText().equals(Long.toString(gen)), "PATCH answered " + r);
        p.genAcked = gen;
    }

    private void image(Api api, BlobPlan p) throws IOException {
        long gen = ++p.imageSent;
        Api.Reply r = api.putJson("/v1/images/" + Api.segment(p.imageName()), "{\"target\":{\"mediaType\":"
                + "\"application/octet-stream\",\"digest\":\"" + p.digest + "\",\"size\":" + p.size()
                + "},\"labels\":{\"gen\":\"" + gen + "\"}}");
        check(r.status() == 200, "PUT image: " + r);
        check(r.json().at("/labels/gen").asText().equals(Long.toString(gen)), "PUT image answered " + r);
        p.imageAcked = gen;
    }

    private void read(Api api, BlobPlan p) throws IOException {
        Api.Reply r = api.get("/v1/content/" + p.digest);
        check(r.status() == 200, "GET blob: " + r.status());
        check(Arrays.equals(r.body(), p.content), "GET blob: " + r.body().length + " bytes, not the content");
    }

    private void delete(Api api, BlobPlan p) throws IOException {
        p.presence = Presence.MAYBE;
        Api.Reply r = api.delete("/v1/content/" + p.digest);
        check(r.status() == 204, "DELETE blob: " + r);
        p.presence = Presence.NO;
    }

    private void abort(Api api, BlobPlan p) throws IOException {
        p.floor = 0;
        Api.Reply r = api.delete(ingestPath(p));
        check(r.status() == 204 || r.status() == 404 || r.status() == 503, "DELETE ingest: " + r);
    }

    // ---- checks

    /**
     * With the server down: every blob file re-hashes to its name, is read-only and is one of the plans; every
     * ingest's data is a prefix of its plan's bytes, at least as long as what was acknowledged.
     */
    void checkOnDisk(Path root) throws IOException {
        Path blobs = root.resolve("blobs");
        if (Files.isDirectory(blobs)) {
            try (Stream<Path> files = Files.walk(blobs)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    Path rel = blobs.relativize(f);
                    check(rel.getNameCount() == 2 && rel.getName(0).toString().equals("sha256"),
                            "stray file in blobs/: " + rel);
                    String digest = "sha256:" + rel.getName(1);
                    String actual = Digest.sha256(Files.readAllBytes(f)).toString();
                    check(actual.equals(digest), "blob " + digest + " hashes to " + actual);
                    check(byDigest.containsKey(digest), "blob " + digest + " is none of the plans");
                    check(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)).equals("r--r--r--"),
                            "blob " + digest + " is writable");
                }
            }
        }
        Path ingest = root.resolve("ingest");
        if (Files.isDirectory(ingest)) {
            try (Stream<Path> dirs = Files.list(ingest)) {
                for (Path d : (Iterable<Path>) dirs::iterator) {
                    String ref = d.getFileName().toString().startsWith(".") || !Files.exists(d.resolve("data"))
                            ? null : IngestDirs.ref(d);
                    if (ref == null) {
                        continue;   // being created, or broken: removed when the store opens
                    }
                    BlobPlan p = byRef.get(ref);
                    check(p != null, "ingest of an unknown ref " + ref);
                    byte[] data = Files.readAllBytes(d.resolve("data"));
                    check(p.isPrefix(data), "ingest data of " + ref + " (" + data.length
                            + " bytes) is not a prefix of its content");
                    check(data.length >= p.floor, "ingest " + ref + " lost acknowledged bytes: " + data.length
                            + " < " + p.floor);
                }
            }
        }
    }

    /**
     * Through the restarted server: the blobs listed are those the model allows (every acknowledged commit, no
     * acknowledged delete), each with its commit's labels and a {@code gen} the model allows; every ingest
     * listed belongs to a plan, keeps its acknowledged bytes, and a write session on it reports the digest of
     * exactly the bytes up to its offset. Resolves the model.
     */
    void checkLive(Api api) throws IOException {
        Api.Reply list = api.get("/v1/content");
        check(list.status() == 200, "GET /v1/content: " + list);
        Map<String, JsonNode> listed = new HashMap<>();
        list.json().forEach(n -> listed.put(n.get("digest").asText(), n));
        for (BlobPlan p : plans) {
            JsonNode info = listed.remove(p.digest);
            check(info != null || p.presence != Presence.YES, "acknowledged commit lost: " + p);
            check(info == null || p.presence != Presence.NO, "blob present after an acknowledged delete: " + p);
            if (info == null) {
                p.presence = Presence.NO;
                continue;
            }
            check(info.get("size").asLong() == p.size(), "size of " + p + ": " + info);
            JsonNode labels = info.get("labels");
            check(labels != null && labels.has("plan") && labels.get("plan").asText().equals(p.ref),
                    "blob visible without its commit labels: " + p + ": " + info);
            long gen = Long.parseLong(labels.get("gen").asText());
            check(gen >= p.genAcked && gen <= p.genSent, "label gen " + gen + " outside what was sent: " + p);
            p.presence = Presence.YES;
            p.genAcked = gen;
            p.genSent = gen;
        }
        check(listed.isEmpty(), "unknown blobs listed: " + listed.keySet());

        Api.Reply ingests = api.get("/v1/ingests");
        check(ingests.status() == 200, "GET /v1/ingests: " + ingests);
        Map<String, Long> offsets = new HashMap<>();
        ingests.json().forEach(n -> offsets.put(n.get("ref").asText(), n.get("offset").asLong()));
        for (BlobPlan p : plans) {
            Long off = offsets.remove(p.ref);
            if (off == null) {
                check(p.floor == 0, "ingest with acknowledged bytes lost: " + p);
                continue;
            }
            check(off >= p.floor && off <= p.size(), "ingest offset " + off + " outside [floor, size]: " + p);
            try (WsSession s = api.session(p.ref, "")) {
                JsonNode st = answer(s.request("{\"action\":\"stat\"}"));
                check(st.get("offset").asLong() == off, "session offset " + st + " != listed " + off);
                check(st.get("digest").asText().equals(p.prefixDigest(off)), "after restart the writer of "
                        + p.ref + " reports " + st.get("digest") + " at " + off + ", the bytes hash to "
                        + p.prefixDigest(off));
            }
            p.floor = off;
        }
        check(offsets.isEmpty(), "unknown ingests listed: " + offsets.keySet());
        checkImages(api);
    }

    /**
     * Every acknowledged image record survives and points at its plan's digest and size with a {@code gen} the
     * model allows; no other image is listed. (An image may outlive its blob: a delete does not look at images,
     * as in containerd, where the garbage collector and leases keep referenced content.)
     */
    private void checkImages(Api api) throws IOException {
        Api.Reply list = api.get("/v1/images");
        check(list.status() == 200, "GET /v1/images: " + list);
        Map<String, JsonNode> listed = new HashMap<>();
        list.json().forEach(n -> listed.put(n.get("name").asText(), n));
        for (BlobPlan p : plans) {
            JsonNode img = listed.remove(p.imageName());
            if (img == null) {
                check(p.imageAcked == 0, "acknowledged image lost: " + p);
                continue;
            }
            check(img.at("/target/digest").asText().equals(p.digest)
                    && img.at("/target/size").asLong() == p.size(), "image of " + p + " points elsewhere: " + img);
            long gen = Long.parseLong(img.at("/labels/gen").asText());
            check(gen >= p.imageAcked && gen <= p.imageSent, "image gen " + gen + " outside what was sent: " + p);
            imagesSeen++;
            p.imageAcked = gen;
            p.imageSent = gen;
        }
        check(listed.isEmpty(), "unknown images listed: " + listed.keySet());
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
