package io.stowage.server;

import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Status;
import io.stowage.content.Writer;
import java.nio.ByteBuffer;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A store that hides its blob files, so the server must stream through {@code read}. */
final class StoreWithoutFiles implements ContentStore {
    private final ContentStore d;

    private StoreWithoutFiles(ContentStore d) {
        this.d = d;
    }

    static ContentStore wrap(ContentStore d) {
        return new StoreWithoutFiles(d);
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
