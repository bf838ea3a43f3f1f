package io.stowage.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * Notices a client that has stalled: a stream (request body chunks, WebSocket frames) whose consumer has asked
 * for the next item and has been waiting longer than a timeout for it. Time the consumer spends on an item (a
 * slow disk) does not count: the clock runs only while there is unmet demand, and restarts with each item.
 *
 * <p>{@link #failing} cancels the stream and signals an error downstream; {@link #watching} leaves the stream
 * alone and runs a callback (a write session must send a last answer before its socket closes). Either acts at
 * most once. The clock is one task on a timer scheduler, rescheduled lazily, so items cost two volatile writes.
 */
final class StallGuard<T> implements CoreSubscriber<T>, Subscription {
    private static final int IDLE = 0;
    private static final int IN_NEXT = 1;
    private static final int DONE = 2;

    private final CoreSubscriber<? super T> actual;
    private final long timeoutNanos;
    private final Runnable onStall;
    private final Supplier<? extends Throwable> error;
    private final Scheduler timer;
    private final LongSupplier activity;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private volatile long waitingSince;
    private volatile Disposable check;
    private Subscription upstream;

    private StallGuard(CoreSubscriber<? super T> actual, Duration timeout, Runnable onStall,
                       Supplier<? extends Throwable> error, LongSupplier activity, Scheduler timer) {
        this.activity = activity;
        this.actual = actual;
        this.timeoutNanos = timeout.toNanos();
        this.onStall = onStall;
        this.error = error;
        this.timer = timer;
    }

    /** {@code source}, failing with {@code error} (and cancelled) once it stalls for {@code timeout}. */
    static <T> Flux<T> failing(Flux<T> source, Duration timeout, Supplier<? extends Throwable> error) {
        return failing(source, timeout, error, Schedulers.parallel());
    }

    /** As {@link #failing(Flux, Duration, Supplier)}, timed on {@code timer}. */
    static <T> Flux<T> failing(Flux<T> source, Duration timeout, Supplier<? extends Throwable> error,
                               Scheduler timer) {
        return guard(source, actual -> new StallGuard<>(actual, timeout, null, error, null, timer));
    }

    /**
     * {@code source} unchanged; {@code onStall} runs (once) when it stalls for {@code timeout}. An item that
     * takes long to arrive but is arriving is not a stall: {@code activity} (nullable) tells how long ago, in
     * nanoseconds, bytes last came in, and the clock restarts from then.
     */
    static <T> Flux<T> watching(Flux<T> source, Duration timeout, Runnable onStall, LongSupplier activity) {
        return watching(source, timeout, onStall, activity, Schedulers.parallel());
    }

    /** As {@link #watching(Flux, Duration, Runnable, LongSupplier)}, timed on {@code timer}. */
    static <T> Flux<T> watching(Flux<T> source, Duration timeout, Runnable onStall, LongSupplier activity,
                                Scheduler timer) {
        return guard(source, actual -> new StallGuard<>(actual, timeout, onStall, null, activity, timer));
    }

    private static <T> Flux<T> guard(Flux<T> source,
                                     Function<CoreSubscriber<? super T>, StallGuard<T>> guard) {
        Function<? super Publisher<T>, ? extends Publisher<T>> lift =
                Operators.<T, T>lift((sc, actual) -> guard.apply(actual));
        return Flux.from(lift.apply(source));
    }

    @Override
    public Context currentContext() {
        return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (Operators.validate(upstream, s)) {
            upstream = s;
            waitingSince = now();
            actual.onSubscribe(this);
            schedule(timeoutNanos);
        }
    }

    @Override
    public void request(long n) {
        if (Operators.validate(n)) {
            long before = demand.getAndAccumulate(n, Operators::addCap);
            if (before == 0) {
                waitingSince = now();
            }
            upstream.request(n);
        }
    }

    @Override
    public void onNext(T t) {
        if (!state.compareAndSet(IDLE, IN_NEXT)) {
            Operators.onDiscard(t, actual.currentContext());
            return;
        }
        waitingSince = now();
        demand.getAndUpdate(d -> d == Long.MAX_VALUE || d == 0 ? d : d - 1);
        try {
            actual.onNext(t);
        } finally {
            state.compareAndSet(IN_NEXT, IDLE);
        }
    }

    @Override
    public void onError(Throwable e) {
        if (end()) {
            actual.onError(e);
        } else {
            Operators.onErrorDropped(e, actual.currentContext());
        }
    }

    @Override
    public void onComplete() {
        if (end()) {
            actual.onComplete();
        }
    }

    @Override
    public void cancel() {
        end();
        upstream.cancel();
    }

    /** True for the one caller that moves the guard to its end (a stall arriving during onNext loses). */
    private boolean end() {
        while (true) {
            int s = state.get();
            if (s == DONE) {
                return false;
            }
            if (state.compareAndSet(s, DONE)) {
                Disposable c = check;
                if (c != null) {
                    c.dispose();
                }
                return true;
            }
        }
    }

    /** Monotonic on real schedulers ({@link System#nanoTime()}), the scheduler's own clock on virtual time. */
    private long now() {
        return timer == Schedulers.parallel() ? System.nanoTime() : timer.now(TimeUnit.NANOSECONDS);
    }

    private void schedule(long delayNanos) {
        check = timer.schedule(this::tick, Math.max(delayNanos, TimeUnit.MILLISECONDS.toNanos(1)),
                TimeUnit.NANOSECONDS);
        if (state.get() == DONE) {
            check.dispose();
        }
    }

    private void tick() {
        if (state.get() == DONE) {
            return;
        }
        long waited = now() - waitingSince;
        if (activity != null) {
            waited = Math.min(waited, activity.getAsLong());
        }
        if (demand.get() == 0 || waited < timeoutNanos) {
            schedule(demand.get() == 0 ? timeoutNanos : timeoutNanos - waited);
            return;
        }
        if (onStall != null) {
            // watching: the stream goes on untouched; the clock stops
            if (state.get() == IN_NEXT) {
                schedule(timeoutNanos);   // an item is being delivered right now: not stalled
            } else {
                onStall.run();
            }
            return;
        }
        if (!state.compareAndSet(IDLE, DONE)) {
            schedule(timeoutNanos);   // an item is being delivered right now: not stalled
            return;
        }
        upstream.cancel();
        actual.onError(error.get());
    }
}
