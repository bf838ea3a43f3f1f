package io.stowage.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real {@code stowage serve} at random points of concurrent ingests (streamed PUTs and
 * WebSocket write sessions with predeclared size and digest), commits, label updates, image records and deletes,
 * then a restart
 * on the same root, many times over; every fifth run instead arms one of the store's named crash points (between
 * the steps of a commit or a delete), where the process halts itself. After each death {@link CrashWorkload}
 * checks the files (every blob re-hashes to its name and is read-only; every ingest holds a prefix of its bytes
 * and keeps what was acknowledged) and, after the restart, the API (acknowledged commits, deletes, label updates
 * and image records survive, no blob is visible without its commit labels, every image points at its blob's
 * digest and size, every ingest's writer reports the digest of exactly its bytes).
 *
 * <p>{@code -Dstowage.crash.kills=N} (default 50) sets the number of deaths, {@code -Dstowage.crash.seed=S} the
 * seed of the random choices (printed at the start; timing makes runs differ anyway).
 */
@Tag("process")
@Timeout(value = 12, unit = java.util.concurrent.TimeUnit.MINUTES)   // 50 restarts: ~2 min alone, more on a busy CI box
class CrashSafetyTest {
    private static final List<String> CRASH_POINTS = List.of("commit.synced", "commit.recorded", "commit.renamed",
            "commit.published", "delete.unlinked");
    private static final int WORKERS = 4;
    private static final int PLANS = 24;

    @TempDir
    Path root;

    private ServerProcess server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void killsAtRandomPointsAndAtEachCrashPointLoseNothingAcknowledgedAndExposeNothingPartial() throws Exception {
        int kills = Integer.getInteger("stowage.crash.kills", 50);
        long seed = Long.getLong("stowage.crash.seed", System.nanoTime());
        System.out.println("CrashSafetyTest: " + kills + " deaths, -Dstowage.crash.seed=" + seed);
        Random rnd = new Random(seed);
        CrashWorkload work = new CrashWorkload(PLANS, rnd);
        int crashPointsHit = 0;
        for (int cycle = 0; cycle < kills; cycle++) {
            String point = cycle % 5 == 4 ? CRASH_POINTS.get((cycle / 5) % CRASH_POINTS.size()) : null;
            String context = "cycle " + cycle + (point == null ? "" : " (crash point " + point + ")") + ", seed "
                    + seed;
            long t0 = System.nanoTime();
            server = ServerProcess.start(root, point == null ? List.of() : List.of("-Dstowage.crashPoint=" + point),
                    List.of());
            Api api = new Api(server.uri());
            long t1 = System.nanoTime();
            work.checkLive(api);
            long t2 = System.nanoTime();
            assertThat(work.failures()).as(context).isEmpty();

            List<Thread> workers = work.start(api, WORKERS, rnd);
            int status;
            if (point == null) {
                Thread.sleep(100 + rnd.nextInt(900));   // the random point of death
                work.expectDeath();
                server.kill();
                status = server.awaitExit(Duration.ofSeconds(30));
                assertThat(status).as(context).isEqualTo(137);
            } else {
                work.expectDeath();
                status = awaitCrashPoint(server);
                if (status == 99) {
                    crashPointsHit++;
                }
            }
            for (Thread t : workers) {
                t.join(Duration.ofSeconds(60).toMillis());
                assertThat(t.isAlive()).as(context + ": worker stuck").isFalse();
            }
            assertThat(work.failures()).as(context + "\n" + server.log()).isEmpty();
            assertThat(server.trouble()).as(context + "\n" + server.log()).isEmpty();
            long t3 = System.nanoTime();
            work.checkOnDisk(root);
            long t4 = System.nanoTime();
            System.out.printf("cycle %d: start %d ms, live check %d ms, work %d ms, disk check %d ms%n", cycle,
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000);
        }
        server = ServerProcess.start(root, List.of(), List.of());
        work.checkLive(new Api(server.uri()));
        server.terminate();
        // a JVM ended by SIGTERM exits with 143 once its shutdown hooks are done
        assertThat(server.awaitExit(Duration.ofSeconds(30))).as(server.log()).isIn(0, 143);
        assertThat(server.trouble()).isEmpty();
        work.checkOnDisk(root);
        System.out.println("CrashSafetyTest: " + work.steps() + " operations, " + crashPointsHit
                + " halts at crash points, " + work.imagesSeen() + " image records checked after restarts");
        assertThat(work.steps()).isPositive();
    }

    /** Waits for the process to halt at its crash point (status 99); kills it if no operation reaches it soon. */
    private static int awaitCrashPoint(ServerProcess server) throws InterruptedException {
        for (int i = 0; i < 100 && server.isAlive(); i++) {
            Thread.sleep(100);
        }
        if (server.isAlive()) {
            server.kill();
        }
        return server.awaitExit(Duration.ofSeconds(30));
    }
}
