package io.stowage.cli;

import io.stowage.content.ContentStore;
import io.stowage.content.remote.RemoteContentStore;
import io.stowage.images.ImageStore;
import io.stowage.content.remote.RemoteContentStore;
import io.stowage.images.remote.RemoteImageStore;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the commands get from outside: the standard streams, the environment variables, whether stdout is a
 * terminal, how to connect to a server's content store and image store, the shutdown signal of {@code serve} and a callback told
 * the address {@code serve} bound. {@link #system()} is the real process; tests build their own with captured
 * streams. Immutable.
 */
public record CliEnvironment(InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
                             boolean tty, Function<URI, ContentStore> connector, ShutdownSignal shutdown,
                             Consumer<InetSocketAddress> onServing, Function<URI, ImageStore> imageConnector) {
    public CliEnvironment {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        env = Map.copyOf(env);
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(shutdown, "shutdown");
        Objects.requireNonNull(onServing, "onServing");
        Objects.requireNonNull(imageConnector, "imageConnector");
    }

    /** This process: System streams and environment, stopped by SIGTERM/SIGINT, remote store over HTTP. */
    public static CliEnvironment system() {
        return new CliEnvironment(System.in, System.out, System.err, System.getenv(), System.console() != null,
                CliEnvironment::remote, ShutdownSignal.onJvmShutdown(), address -> { }, RemoteImageStore::connect);
    }

    /** Given streams, no environment variables, not a terminal, a manual shutdown signal. */
    public static CliEnvironment of(InputStream in, PrintStream out, PrintStream err) {
        return new CliEnvironment(in, out, err, Map.of(), false, CliEnvironment::remote, ShutdownSignal.manual(),
                address -> { }, RemoteImageStore::connect);
    }

    private static ContentStore remote(URI address) {
        return RemoteContentStore.connect(address);
    }

    public CliEnvironment withIn(InputStream newIn) {
        return new CliEnvironment(newIn, out, err, env, tty, connector, shutdown, onServing, imageConnector);
    }

    public CliEnvironment withEnv(Map<String, String> newEnv) {
        return new CliEnvironment(in, out, err, newEnv, tty, connector, shutdown, onServing, imageConnector);
    }

    public CliEnvironment withTty(boolean newTty) {
        return new CliEnvironment(in, out, err, env, newTty, connector, shutdown, onServing, imageConnector);
    }

    public CliEnvironment withConnector(Function<URI, ContentStore> newConnector) {
        return new CliEnvironment(in, out, err, env, tty, newConnector, shutdown, onServing, imageConnector);
    }

    public CliEnvironment withShutdown(ShutdownSignal newShutdown) {
        return new CliEnvironment(in, out, err, env, tty, connector, newShutdown, onServing, imageConnector);
    }

    public CliEnvironment withOnServing(Consumer<InetSocketAddress> newOnServing) {
        return new CliEnvironment(in, out, err, env, tty, connector, shutdown, newOnServing, imageConnector);
    }

    public CliEnvironment withImageConnector(Function<URI, ImageStore> newImageConnector) {
        return new CliEnvironment(in, out, err, env, tty, connector, shutdown, onServing, newImageConnector);
    }
}
