package io.stowage.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Tells {@code serve} when to stop, and lets whoever asked wait until it has. {@link #onJvmShutdown} is asked by a
 * JVM shutdown hook (SIGTERM, SIGINT, {@code System.exit}), which then waits for {@link #finished()} for at most
 * {@link #GRACE}; {@link #manual()} is asked by calling {@link #request()}. Thread-safe.
 */
public final class ShutdownSignal {
    /** How long the shutdown hook waits (at least) for {@code serve} to stop the server and close the plugins. */
    static final Duration GRACE = Duration.ofSeconds(30);

    private final Sinks.Empty<Void> requested = Sinks.empty();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final boolean jvmHook;
    private final AtomicBoolean hooked = new AtomicBoolean();
    private volatile Duration grace = GRACE;

    private ShutdownSignal(boolean jvmHook) {
        this.jvmHook = jvmHook;
    }

    /** Requested by the JVM shutdown hook, installed on the first call of {@link #requested()}. */
    public static ShutdownSignal onJvmShutdown() {
        return new ShutdownSignal(true);
    }

    /** Requested only by {@link #request()}, for tests and embedding. */
    public static ShutdownSignal manual() {
        return new ShutdownSignal(false);
    }

    /** Completes when a shutdown is requested. */
    public Mono<Void> requested() {
        if (jvmHook && hooked.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::requestAndWait, "stowage-shutdown"));
        }
        return requested.asMono();
    }

    /** Lets the shutdown hook wait at least {@code d} for {@link #finished()} (a longer configured shutdown). */
    public void allowAtLeast(Duration d) {
        if (d.compareTo(grace) > 0) {
            grace = d;
        }
    }

    /** Requests the shutdown; idempotent. */
    public void request() {
        requested.tryEmitEmpty();
    }

    /** Called by the command once it has released everything (also when it failed). */
    public void finished() {
        finished.countDown();
    }

    /** Waits until {@link #finished()} is called, at most {@code timeout}; true if it was. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void requestAndWait() {
        request();
        try {
            awaitFinished(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
