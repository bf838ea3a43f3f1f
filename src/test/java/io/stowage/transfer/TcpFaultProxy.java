package io.stowage.transfer;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A TCP relay on 127.0.0.1 (Reactor Netty TcpServer in front, TcpClient to the target) that counts the bytes it
 * passes from the target to the client and injects faults: once a connection has passed {@code afterBytes} down,
 * and while the budget of faults lasts, it is cut ({@link Mode#CUT}: both sides closed) or stalled
 * ({@link Mode#STALL}: nothing more is passed, the connection stays open until the client gives up).
 */
final class TcpFaultProxy implements AutoCloseable {
    enum Mode { NONE, CUT, STALL }

    private final DisposableServer server;
    private final Mode mode;
    private final long afterBytes;
    private final AtomicInteger budget;
    private final boolean upstreamFaults;
    private final AtomicLong downstream = new AtomicLong();
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger faults = new AtomicInteger();

    TcpFaultProxy(int targetPort, Mode mode, long afterBytes, int budget) {
        this(targetPort, mode, afterBytes, budget, false);
    }

    /** As the other constructor; with {@code upstreamFaults} the bytes from the client to the target are limited. */
    TcpFaultProxy(int targetPort, Mode mode, long afterBytes, int budget, boolean upstreamFaults) {
        this.upstreamFaults = upstreamFaults;
        this.mode = mode;
        this.afterBytes = afterBytes;
        this.budget = new AtomicInteger(budget);
        TcpClient upstream = TcpClient.create().host("127.0.0.1").port(targetPort);
        this.server = TcpServer.create().host("127.0.0.1").port(0)
                .handle((in, out) -> {
                    connections.incrementAndGet();
                    return upstream.connect().flatMap(up -> {
                        Runnable closeBoth = () -> {
                            up.dispose();
                            in.withConnection(c -> c.dispose());
                        };
                        Flux<ByteBuf> fromClient = in.receive().retain();
                        Flux<ByteBuf> fromTarget = up.inbound().receive().retain();
                        Mono<Void> toTarget = up.outbound().send(upstreamFaults ? relay(fromClient, upstreamBytes)
                                : fromClient.doOnNext(b -> upstreamBytes.addAndGet(b.readableBytes()))).then()
                                .doFinally(s -> {
                                    if (upstreamFaults) {
                                        closeBoth.run();
                                    }
                                });
                        Mono<Void> toClient = out.send(upstreamFaults
                                ? fromTarget.doOnNext(b -> downstream.addAndGet(b.readableBytes()))
                                : relay(fromTarget, downstream)).then()
                                .doFinally(s -> closeBoth.run());
                        return Mono.when(toTarget, toClient).doFinally(s -> closeBoth.run());
                    });
                })
                .bindNow();
    }

    /** Passes buffers on, counting them, until the fault (if any) strikes. */
    private Flux<ByteBuf> relay(Flux<ByteBuf> in, AtomicLong counter) {
        if (mode == Mode.NONE) {
            return in.doOnNext(b -> counter.addAndGet(b.readableBytes()));
        }
        long[] passed = {0};
        boolean[] struck = {false};
        Flux<ByteBuf> limited = in.handle((buf, sink) -> {
            if (struck[0]) {
                buf.release();
                return;
            }
            int n = buf.readableBytes();
            long room = afterBytes - passed[0];
            if (n <= room || budget.get() <= 0) {
                passed[0] += n;
                counter.addAndGet(n);
                sink.next(buf);
                return;
            }
            if (budget.getAndDecrement() <= 0) {
                passed[0] += n;
                counter.addAndGet(n);
                sink.next(buf);
                return;
            }
            faults.incrementAndGet();
            struck[0] = true;
            ByteBuf part = buf.readRetainedSlice((int) Math.max(0, room));
            buf.release();
            passed[0] += part.readableBytes();
            counter.addAndGet(part.readableBytes());
            sink.next(part);
            if (mode == Mode.CUT) {
                sink.complete();
            }
        });
        return limited;
    }

    String host() {
        return "127.0.0.1:" + server.port();
    }

    /** Bytes passed from the target to clients so far. */
    long downstreamBytes() {
        return downstream.get();
    }

    /** Bytes passed from clients to the target so far. */
    long upstreamBytes() {
        return upstreamBytes.get();
    }

    int connections() {
        return connections.get();
    }

    /** Connections that were cut or stalled. */
    int faults() {
        return faults.get();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
