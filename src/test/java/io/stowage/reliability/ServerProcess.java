package io.stowage.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code stowage serve --listen 127.0.0.1:0 --root ROOT} in a child JVM on this test's own class path (through
 * {@link BlockHoundServe}). Its stderr is kept (the last lines, for failure messages) and watched for the
 * {@code stowage listening on http://HOST:PORT} line, for lines a test waits for, and for signs of trouble: a
 * blocking call or a Netty buffer leak. {@link #kill()} is {@code kill -9}, {@link #terminate()} SIGTERM.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("stowage listening on (http://\\S+)");
    private static final int KEPT_LINES = 400;

    private final Process process;
    private final CompletableFuture<URI> listening = new CompletableFuture<>();
    private final List<String> lines = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final List<String> trouble = new ArrayList<>();

    private record Waiter(Predicate<String> match, CompletableFuture<String> seen) {
    }

    private ServerProcess(Process process) {
        this.process = process;
        Thread err = new Thread(() -> pump(process.getErrorStream(), true), "child-stderr-" + process.pid());
        Thread out = new Thread(() -> pump(process.getInputStream(), false), "child-stdout-" + process.pid());
        err.setDaemon(true);
        out.setDaemon(true);
        err.start();
        out.start();
    }

    /**
     * Starts {@code serve} on {@code root}; {@code jvmOptions} go before the main class (e.g. {@code
     * -Dstowage.crashPoint=...}), {@code serveOptions} after {@code serve --listen 127.0.0.1:0 --root ROOT}.
     */
    static ServerProcess start(Path root, List<String> jvmOptions, List<String> serveOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // quick start-up matters more than peak speed here; BlockHound needs the redefinition flag on Java 13+
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-Xss512k",
                "-XX:+AllowRedefinitionToAddDeleteMethods", "-Dio.netty.leakDetection.level=simple",
                "-cp", System.getProperty("java.class.path")));
        // a killed JVM leaves its temporary files (SQLite's native library, BlockHound's agent jar) behind: in the
        // build directory, which mvn clean empties, rather than in /tmp, which nothing does (nor on a small file
        // system a test mounted for the root)
        Path tmp = Path.of("target", "child-jvm-tmp").toAbsolutePath();
        try {
            java.nio.file.Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + tmp, e);
        }
        cmd.add("-Djava.io.tmpdir=" + tmp);
        cmd.addAll(jvmOptions);
        cmd.add(BlockHoundServe.class.getName());
        cmd.addAll(List.of("serve", "--listen", "127.0.0.1:0", "--root", root.toString()));
        cmd.addAll(serveOptions);
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().remove("STOWAGE_ROOT");
            return new ServerProcess(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    private void pump(InputStream in, boolean isErr) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                onLine((isErr ? "" : "[out] ") + line);
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            listening.completeExceptionally(new IllegalStateException("serve ended before listening:\n" + log()));
        }
    }

    private synchronized void onLine(String line) {
        lines.add(line);
        if (lines.size() > KEPT_LINES) {
            lines.remove(0);
        }
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
            listening.complete(URI.create(m.group(1)));
        }
        if (line.contains(BlockHoundServe.BLOCKING_MARK) || line.contains("LEAK:")) {
            trouble.add(line);
        }
        waiters.removeIf(w -> w.match().test(line) && w.seen().complete(line));
    }

    /** The server's base URI, once it listens (at most 60 s). */
    URI uri() {
        try {
            return listening.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("serve did not listen within 60 s:\n" + log(), e);
        }
    }

    /** Waits (at most {@code timeout}) for a line containing {@code text}, seen before or from now on. */
    String awaitLine(String text, Duration timeout) {
        try {
            return line(text).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no line with '" + text + "' within " + timeout + ":\n" + log()
                    + "\n" + threadDump(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Completes with the first line (from now on, or already seen) containing {@code text}. */
    synchronized CompletableFuture<String> line(String text) {
        for (String l : lines) {
            if (l.contains(text)) {
                return CompletableFuture.completedFuture(l);
            }
        }
        CompletableFuture<String> f = new CompletableFuture<>();
        waiters.add(new Waiter(l -> l.contains(text), f));
        return f;
    }

    /** SIGKILL, then waits for the process to be gone. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /**
     * SIGTERM; does not wait. Sent through the process handle: {@link Process#destroy()} would also close the
     * pipes, and the lines the server logs while it shuts down would be lost.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the exit status (at most {@code timeout}, else the process is killed and this fails). */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("serve did not exit within " + timeout + ":\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The child's threads ({@code jcmd PID Thread.print}), for failure messages. */
    String threadDump() {
        if (!process.isAlive()) {
            return "(exited with " + process.exitValue() + ")";
        }
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "(no thread dump: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Lines that show a blocking call on a non-blocking thread or a leaked buffer. */
    synchronized List<String> trouble() {
        return List.copyOf(trouble);
    }

    /** The last lines of the child's output. */
    synchronized String log() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
