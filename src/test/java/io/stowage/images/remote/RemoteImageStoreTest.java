package io.stowage.images.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import io.stowage.images.ImageStore;
import io.stowage.images.ImageStoreContract;
import io.stowage.images.local.LocalImageStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.server.ImageRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.StowageServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** The contract through the wire: a server with {@link ImageRoutes} over a local store, and the client. */
class RemoteImageStoreTest implements ImageStoreContract {
    @TempDir
    Path root;

    private MetadataDb db;
    private StowageServer server;
    private RemoteImageStore client;

    @BeforeEach
    void start() {
        db = MetadataDb.open(root.resolve("metadata.db"));
        server = StowageServer.start(ServerOptions.defaults().withPort(0),
                List.of(ImageRoutes.of(LocalImageStore.open(db))));
        client = RemoteImageStore.connect(server.uri());
    }

    @AfterEach
    void stop() {
        client.close();
        server.disposeNow(T);
        db.close();
    }

    @Override
    public ImageStore store() {
        return client;
    }

    @Test
    void anUnreachableServerIsUnavailable() {
        server.disposeNow(T);
        try (RemoteImageStore dead = RemoteImageStore.connect(URI.create(server.uri().toString()))) {
            StepVerifier.create(dead.get("x"))
                    .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.UNAVAILABLE))
                            .as(e.toString()).isTrue())
                    .verify(T);
        }
    }
}
