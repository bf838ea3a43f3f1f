package io.stowage.content;

import java.nio.ByteBuffer;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A store that passes every call to another; tests subclass it to change one behaviour (hide files, delete before
 * a read, run something when a writer is refused). {@link #close} leaves the wrapped store open: its owner closes
 * it.
 */
public class DelegatingStore implements ContentStore {
    protected final ContentStore d;

    public DelegatingStore(ContentStore d) {
        this.d = d;
    }

    @Override
    public Flux<ByteBuffer> read(Digest digest, long offset, long length) {
        return d.read(digest, offset, length);
    }

    @Override
    public Mono<Info> info(Digest digest) {
        return d.info(digest);
    }

    @Override
    public Mono<Info> update(Info info, String... fieldpaths) {
        return d.update(info, fieldpaths);
    }

    @Override
    public Flux<Info> walk(List<String> filters) {
        return d.walk(filters);
    }

    @Override
    public Mono<Void> delete(Digest digest) {
        return d.delete(digest);
    }

    @Override
    public Mono<Status> status(String ref) {
        return d.status(ref);
    }

    @Override
    public Flux<Status> listStatuses(List<String> filters) {
        return d.listStatuses(filters);
    }

    @Override
    public Mono<Void> abort(String ref) {
        return d.abort(ref);
    }

    @Override
    public Mono<Writer> writer(String ref, long total, Digest expected) {
        return d.writer(ref, total, expected);
    }

    @Override
    public void close() {
        // the wrapped store is closed by its owner
    }
}
