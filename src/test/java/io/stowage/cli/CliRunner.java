package io.stowage.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the {@code stowage} command line in-process with captured streams. */
final class CliRunner {
    private final CliEnvironment base;

    CliRunner(CliEnvironment base) {
        this.base = base;
    }

    /** What one run left behind. */
    record Result(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exit + ", stdout: " + (stdout.length > 2000 ? stdout.length + " bytes" : out())
                    + ", stderr: " + stderr;
        }
    }

    Result run(String... args) {
        return run(new byte[0], args);
    }

    Result run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliEnvironment env = new CliEnvironment(new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                base.env(), base.tty(), base.connector(), base.shutdown(), base.onServing(),
                base.imageConnector());
        int exit = Main.commandLine(env).execute(args);
        return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
