package io.stowage.server;

import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Status;
import io.stowage.content.Writer;
import io.stowage.content.local.BlobFiles;
import io.stowage.content.local.LocalContentStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Delegating stores for tests: one that hides its blob files (the server must stream through {@code read}), one
 * whose blobs vanish between {@code info} and {@code read}, and one that only offers its files ({@code read}
 * fails).
 */
class StoreWithoutFiles implements ContentStore {
    final ContentStore d;

    StoreWithoutFiles(ContentStore d) {
        this.d = d;
    }

    static ContentStore wrap(ContentStore d) {
        return new StoreWithoutFiles(d);
    }

    static ContentStore deletingBeforeRead(ContentStore d) {
        return new StoreWithoutFiles(d) {
            @Override
            public Flux<ByteBuffer> read(Digest digest, long offset, long length) {
                return d.delete(digest).thenMany(d.read(digest, offset, length));
            }
        };
    }

    static ContentStore filesOnly(LocalContentStore d) {
        return new FilesOnly(d);
    }

    private static final class FilesOnly extends StoreWithoutFiles implements BlobFiles {
        private final LocalContentStore local;

        FilesOnly(LocalContentStore local) {
            super(local);
            this.local = local;
        }

        @Override
        public Path blobFile(Digest digest) {
            return local.blobFile(digest);
        }

        @Override
        public Flux<ByteBuffer> read(Digest digest, long offset, long length) {
            return Flux.error(new AssertionError("read() called: the file should have been sent"));
        }
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
