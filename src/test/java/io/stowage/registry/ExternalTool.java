package io.stowage.registry;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A command-line client the tests drive (skopeo, ctr, containerd). A missing tool skips the test with a clear
 * message, unless the environment variable {@code CI} is set: CI installs them (see {@code .ci/run}), so there a
 * missing tool fails the test.
 */
final class ExternalTool {
    private ExternalTool() {
    }

    /** The tool's path on PATH; aborts (locally) or fails (in CI) when it is not installed. */
    static Path require(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        String message = name + " is not installed (not on PATH): install it (Debian: apt-get install skopeo"
                + " containerd) to run this test";
        if (System.getenv("CI") != null) {
            fail("CI is set and " + message);
        }
        Assumptions.abort(message);
        return null;
    }

    /** The outcome of a finished command. */
    record Result(int exit, String output) {
    }

    /** Runs a command to completion (at most {@code timeoutSeconds}), output and errors together. */
    static Result run(Path workDir, long timeoutSeconds, List<String> command) {
        try {
            Path log = Files.createTempFile(workDir, "cmd-", ".log");
            Process p = new ProcessBuilder(new ArrayList<>(command))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command and fails the test with its output unless it exits 0. */
    static String check(Path workDir, long timeoutSeconds, List<String> command) {
        Result r = run(workDir, timeoutSeconds, command);
        if (r.exit() != 0) {
            fail(String.join(" ", command) + " exited with " + r.exit() + ":\n" + r.output());
        }
        return r.output();
    }
}
