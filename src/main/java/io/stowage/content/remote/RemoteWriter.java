package io.stowage.content.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Labels;
import io.stowage.content.Status;
import io.stowage.content.Writer;
import io.stowage.server.ContentJson;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A {@link Writer} over one {@link WriteSession}: the ref's lock is held on the server for as long as the
 * session is open. It keeps the local writer's rules on this side of the wire, so that they fail exactly as
 * they do locally instead of ending the session (the server ends a session on any error):
 * <ul>
 *   <li>it tracks the offset (bytes sent since the last reset; the server takes them in order), so a write at a
 *       wrong offset is OUT_OF_RANGE with the current offset, and a buffer that would go past the declared total
 *       is INVALID_ARGUMENT before it is sent (what was sent before it stays);</li>
 *   <li>a write while another is streaming is FAILED_PRECONDITION, except a reset ({@code write(0, ...)} or
 *       {@code truncate(0)}), which cancels the running stream, then sends {@code {"action":"write","offset":0}}
 *       ahead of its own data: nothing of the cancelled stream can land after the reset;</li>
 *   <li>a failing source fails its write; whole buffers sent before stay, and the writer stays usable.</li>
 * </ul>
 * A write completes with the offset of the stat the server answers after its data, so {@code digest()} and
 * {@code status()} afterwards cover it. {@code commit} sends the latest total/expected and the labels and builds
 * the Info from the answer (a commit sets createdAt = updatedAt). The server's errors (an abort of the ref, a
 * failed commit) end the writer; later operations are FAILED_PRECONDITION, as locally.
 *
 * <p>State is guarded by {@code this}; sinks are completed outside it where a subscriber may run.
 */
final class RemoteWriter implements Writer {
    /** The data since the last reset: how much of it was handed to the session. */
    private static final class Generation {
        long offset;

        Generation(long offset) {
            this.offset = offset;
        }
    }

    /** One write whose data is still streaming. */
    private static final class Inflight {
        final Generation gen;
        final Sinks.One<Long> result = Sinks.one();
        final Sinks.Empty<Void> cancel = Sinks.empty();
        volatile boolean stopped;

        Inflight(Generation gen) {
            this.gen = gen;
        }

        /** Ends the write with an error: its data stream is cancelled and nothing more of it is sent. */
        void stop(Throwable why) {
            stopped = true;
            result.tryEmitError(why);
            cancel.tryEmitEmpty();
        }
    }

    private final String ref;
    private final WriteSession session;
    private final int maxFrameBytes;
    private final Consumer<RemoteWriter> onClosedHere;
    private final Instant startedAt;

    private long total;
    private final Digest expected;
    private Generation gen;
    private Inflight inflight;
    private String endedBy;

    RemoteWriter(WriteSession session, Status opened, int maxFrameBytes, Consumer<RemoteWriter> onClosedHere) {
        this.ref = opened.ref();
        this.session = session;
        this.maxFrameBytes = maxFrameBytes;
        this.onClosedHere = onClosedHere;
        this.startedAt = opened.startedAt();
        this.total = opened.total();
        this.expected = opened.expected();
        this.gen = new Generation(opened.offset());
        session.ended().subscribe(this::endedBySession);
    }

    /** The Status in a stat answer; {@code expected} is not in it: it is the one in force when the session opened. */
    static Status status(String ref, JsonNode answer, Digest expected) {
        return new Status(ref, answer.path("offset").asLong(), answer.path("total").asLong(), expected,
                time(answer, "startedAt"), time(answer, "updatedAt"));
    }

    static ObjectNode request(String action) {
        return ContentJson.mapper().createObjectNode().put("action", action);
    }

    @Override
    public String ref() {
        return ref;
    }

    @Override
    public Mono<Long> write(Publisher<ByteBuffer> data) {
        return write(-1, data, true);
    }

    @Override
    public Mono<Long> write(long offset, Publisher<ByteBuffer> data) {
        if (offset < 0) {
            return Mono.error(ContentException.invalidArgument("ref " + ref + ": negative offset " + offset));
        }
        return write(offset, data, false);
    }

    @Override
    public Mono<Void> truncate(long size) {
        if (size != 0) {
            return Mono.error(ContentException.invalidArgument(
                    "ref " + ref + ": truncate to " + size + " not supported, only to 0"));
        }
        return write(0, Flux.empty(), false).then();
    }

    private Mono<Long> write(long offset, Publisher<ByteBuffer> data, boolean append) {
        return Mono.defer(() -> {
            Inflight mine;
            Inflight cancelled = null;
            synchronized (this) {
                checkOpen();
                boolean reset = !append && offset == 0 && (gen.offset > 0 || inflight != null);
                if (reset) {
                    cancelled = inflight;
                    gen = new Generation(0);
                } else if (inflight != null) {
                    throw ContentException.failedPrecondition("ref " + ref + ": another write is in progress");
                } else if (!append && offset != gen.offset) {
                    throw ContentException.outOfRange("ref " + ref + ": write at offset " + offset
                            + ", but the ingest is at " + gen.offset + " (only the current offset or 0 to restart)",
                            gen.offset);
                }
                mine = new Inflight(gen);
                inflight = mine;
                session.send(operation(mine, reset, data));
            }
            if (cancelled != null) {
                cancelled.stop(ContentException.failedPrecondition(
                        "ref " + ref + ": write cancelled by a reset at offset 0"));
            }
            return mine.result.asMono().doOnCancel(() -> mine.stop(ContentException.failedPrecondition(
                    "ref " + ref + ": write cancelled")));
        });
    }

    /** The frames of one write: the reset request if any, the data, then the stat that answers the write. */
    private Flux<WriteSession.Outgoing> operation(Inflight mine, boolean reset, Publisher<ByteBuffer> data) {
        Flux<WriteSession.Outgoing> resetFrame = reset
                ? Flux.just(session.request(request("write").put("offset", 0)).frame())
                : Flux.empty();
        Flux<WriteSession.Outgoing> frames = Flux.from(data)
                .takeUntilOther(mine.cancel.asMono())
                .concatMapIterable(buf -> frames(mine, buf), 1)
                .onErrorResume(e -> {
                    mine.stop(e);
                    return Flux.empty();
                })
                // before the end reaches concat, which sends the stat whose answer completes the write: with doFinally
                // the caller could see its write complete and commit while this writer still counted it as running
                .doOnTerminate(() -> dataEnded(mine))
                .doOnCancel(() -> dataEnded(mine));
        Flux<WriteSession.Outgoing> stat = Flux.defer(() -> {
            if (mine.stopped) {
                return Flux.empty();
            }
            WriteSession.Request r = session.request(request("stat"));
            r.answer().subscribe(a -> mine.result.tryEmitValue(a.path("offset").asLong()),
                    mine.result::tryEmitError);
            return Flux.just(r.frame());
        });
        return Flux.concat(resetFrame, frames, stat);
    }

    /** Counts a buffer and splits it into frames; nothing for a cancelled write; past the total is an error. */
    private List<WriteSession.Outgoing> frames(Inflight mine, ByteBuffer buf) {
        int n = buf.remaining();
        synchronized (this) {
            if (mine.gen != gen || n == 0 || mine.stopped) {
                return List.of();
            }
            if (total > 0 && gen.offset + n > total) {
                throw ContentException.invalidArgument("ref " + ref + ": write of " + n + " bytes at "
                        + gen.offset + " goes past the declared total " + total);
            }
            gen.offset += n;
        }
        return WriteSession.data(buf, maxFrameBytes);
    }

    private synchronized void dataEnded(Inflight mine) {
        if (inflight == mine) {
            inflight = null;
        }
    }

    @Override
    public Mono<Status> status() {
        return Mono.defer(() -> {
            checkOpenNow();
            return session.ask(request("stat")).map(a -> {
                synchronized (this) {
                    total = a.path("total").asLong(total);
                }
                return status(ref, a, expected);
            });
        });
    }

    @Override
    public Mono<Digest> digest() {
        return Mono.defer(() -> {
            checkOpenNow();
            return session.ask(request("stat")).map(a -> Digest.parse(a.path("digest").asText()));
        });
    }

    @Override
    public Mono<Info> commit(long size, Digest expectedDigest, Map<String, String> labels) {
        return Mono.defer(() -> {
            Map<String, String> checked;
            try {
                checked = Labels.validate(labels);
            } catch (ContentException e) {
                return close().then(Mono.error(e));
            }
            WriteSession.Request r;
            synchronized (this) {
                checkOpen();
                if (inflight != null) {
                    // As locally: a commit always ends the writer; the running write is cancelled, the data kept.
                    return close().then(Mono.error(ContentException.failedPrecondition(
                            "ref " + ref + ": commit while a write is in progress")));
                }
                endedBy = "ended by its commit";
                ObjectNode req = request("commit");
                if (size > 0) {
                    req.put("total", size);
                }
                if (expectedDigest != null) {
                    req.put("expected", expectedDigest.toString());
                }
                req.set("labels", ContentJson.mapper().valueToTree(checked));
                r = session.request(req);
                session.send(Flux.just(r.frame()));
            }
            // The server commits, releases the lock, answers, then closes the session.
            return r.answer().map(a -> {
                Instant committedAt = time(a, "updatedAt");
                return new Info(Digest.parse(a.path("digest").asText()), a.path("offset").asLong(), committedAt,
                        committedAt, checked);
            });
        });
    }

    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> {
            Inflight running;
            synchronized (this) {
                if (endedBy != null) {
                    return Mono.empty();
                }
                endedBy = "closed";
                running = inflight;
                inflight = null;
            }
            ContentException closed = ContentException.failedPrecondition("ref " + ref + ": writer is closed");
            if (running != null) {
                running.stop(closed);
            }
            onClosedHere.accept(this);
            return session.close(closed);
        });
    }

    /** Ends the writer without waiting (its store is closing): the connection is dropped. */
    void closeNow() {
        Inflight running;
        synchronized (this) {
            if (endedBy != null) {
                return;
            }
            endedBy = "closed with its store";
            running = inflight;
            inflight = null;
        }
        ContentException closed = ContentException.failedPrecondition("ref " + ref + ": writer closed with its store");
        if (running != null) {
            running.stop(closed);
        }
        session.end(closed);
        session.dispose();
    }

    /** The server ended the session (an error, an abort, a lost connection): the writer ends with it. */
    private void endedBySession(ContentException reason) {
        Inflight running;
        synchronized (this) {
            if (endedBy != null) {
                return;
            }
            endedBy = "ended: " + reason.getMessage();
            running = inflight;
            inflight = null;
        }
        if (running != null) {
            running.stop(reason);
        }
    }

    private void checkOpen() {
        if (endedBy != null) {
            throw ContentException.failedPrecondition("ref " + ref + ": writer is " + endedBy);
        }
    }

    private synchronized void checkOpenNow() {
        checkOpen();
    }

    private static Instant time(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : ContentJson.parseTime(v.asText());
    }
}
