package io.stowage.content;

import java.nio.ByteBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Read-while-ingest: implemented by stores whose readers can follow an ingest while it is being written. A reader
 * of a digest that is not committed yet, but whose ingest in progress declared it as its expected digest, gets
 * the bytes already written at once and the rest as the writer lands them (woken by the writer's progress, no
 * polling), and the stream ends only once the commit has verified the whole blob. Thread-safe.
 *
 * <p>No reader is ever given a clean end of bytes that turn out wrong: the last byte a read returns is held back
 * until the commit has checked size and digest, and when the check fails, or the ingest is reset at offset 0
 * after the reader got bytes of the previous attempt, the stream fails instead (a server cuts the connection).
 */
public interface LiveContent {
    /**
     * The size of {@code digest}: of the committed content, or the declared total of an ingest in progress that
     * declared {@code digest}. Errors: NOT_FOUND when neither (or that ingest declared no total).
     */
    Mono<Long> liveSize(Digest digest);

    /**
     * As {@link Provider#read(Digest, long, long)}, following an ingest in progress that declared {@code digest}
     * when it is not committed yet: bytes below the writer's offset are sent at once, later ones as they land;
     * the stream completes once the commit succeeded (the last byte waits for it). A reader that has received
     * nothing yet follows a reset of the ingest from the start.
     *
     * <p>Errors: NOT_FOUND when the digest is neither committed nor declared by an ingest in progress;
     * FAILED_PRECONDITION when the ingest's commit fails its check or the ingest is reset at offset 0 after this
     * reader got bytes; UNAVAILABLE when the writer is closed or aborted before committing; INVALID_ARGUMENT for a
     * negative offset.
     */
    Flux<ByteBuffer> readLive(Digest digest, long offset, long length);
}
