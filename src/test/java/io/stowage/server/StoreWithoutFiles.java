package io.stowage.server;

import io.stowage.content.ContentStore;
import io.stowage.content.DelegatingStore;
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
class StoreWithoutFiles extends DelegatingStore {
    StoreWithoutFiles(ContentStore d) {
        super(d);
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
}
