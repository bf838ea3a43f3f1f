package io.stowage.cli;

import io.stowage.content.ContentException;
import io.stowage.content.IngestManager;
import io.stowage.transfer.Credentials;
import io.stowage.transfer.TransferOptions;
import io.stowage.transfer.TransferProgress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * What {@code pull} and {@code push} share: registry options (plain HTTP, credentials, concurrency, stall timeout),
 * the progress output options, and the loop that runs a transfer while redrawing its progress every
 * {@link #REFRESH} on the command's own thread (printing never happens on a Reactor thread).
 */
abstract class TransferCommand {
    static final Duration REFRESH = Duration.ofMillis(250);

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--plain-http", description = "Talk http:// to the registry instead of https://.")
    boolean plainHttp;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "Registry user name (with --password).")
    String user;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD", description = "Registry password (with --user).")
    String password;

    @Option(names = "--docker-config", paramLabel = "FILE",
            description = "Docker config.json with registry credentials (default: $DOCKER_CONFIG/config.json, "
                    + "else ~/.docker/config.json; used when --user is not given).")
    Path dockerConfig;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "3",
            description = "Blobs transferred at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--stall-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = ActiveCommand.DurationConverter.class,
            description = "Cut and retry a transfer that receives nothing for this long (default: ${DEFAULT-VALUE}).")
    Duration stallTimeout;

    @Option(names = {"-q", "--quiet"}, description = "No progress; print only the result.")
    boolean quiet;

    @Option(names = "--json", description = "Progress as JSON lines, one per blob change.")
    boolean json;

    CliEnvironment env() {
        return main.env();
    }

    TransferOptions options() {
        if ((user == null) != (password == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--user and --password go together");
        }
        if (concurrency < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--concurrency must be at least 1");
        }
        Credentials credentials = user != null ? Credentials.of(user, password)
                : Credentials.dockerConfig(dockerConfigFile());
        return TransferOptions.defaults().withPlainHttp(plainHttp).withCredentials(credentials)
                .withConcurrency(concurrency).withStallTimeout(stallTimeout);
    }

    private Path dockerConfigFile() {
        if (dockerConfig != null) {
            return dockerConfig;
        }
        String dir = env().env().get("DOCKER_CONFIG");
        if (dir != null && !dir.isEmpty()) {
            return Path.of(dir, "config.json");
        }
        String home = env().env().getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".docker", "config.json");
    }

    TransferView view() {
        if (json) {
            return new TransferView(TransferView.Mode.JSON);
        }
        if (quiet) {
            return new TransferView(TransferView.Mode.QUIET);
        }
        return new TransferView(env().tty() ? TransferView.Mode.TTY : TransferView.Mode.PLAIN);
    }

    /**
     * Runs {@code transfer}, redrawing {@code progress} (with the ingests of {@code ingests} when not null) until it
     * ends; returns its value or throws its error.
     */
    <T> T run(Mono<T> transfer, TransferProgress progress, IngestManager ingests) throws Exception {
        PrintStream out = env().out();
        TransferView view = view();
        CompletableFuture<T> result = transfer.toFuture();
        while (true) {
            try {
                T value = result.get(REFRESH.toMillis(), TimeUnit.MILLISECONDS);
                out.print(view.render(snapshot(progress, ingests), true));
                out.flush();
                return value;
            } catch (TimeoutException e) {
                out.print(view.render(snapshot(progress, ingests), false));
                out.flush();
            } catch (ExecutionException e) {
                out.print(view.render(progress.snapshot(), true));
                out.flush();
                Throwable cause = Exceptions.unwrap(e.getCause());
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                throw e;
            }
        }
    }

    private static TransferProgress.Snapshot snapshot(TransferProgress progress, IngestManager ingests) {
        if (ingests == null) {
            return progress.snapshot();
        }
        try {
            return progress.poll(ingests).block(Duration.ofSeconds(30));
        } catch (ContentException | IllegalStateException e) {
            return progress.snapshot();
        }
    }

    /** The result line: {@code NAME DIGEST}, or a JSON event with {@code --json}. */
    void printResult(String event, String name, String digest) {
        if (json) {
            var n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
            n.put("event", event);
            n.put("name", name);
            n.put("digest", digest);
            env().out().println(n);
        } else {
            env().out().println(name + " " + digest);
        }
        env().out().flush();
    }
}
