package io.stowage.content.remote;

import io.stowage.content.DelegatingStore;
import io.stowage.content.Digest;
import io.stowage.content.Writer;
import io.stowage.content.local.LocalContentStore;
import io.stowage.server.ContentRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.StowageServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A {@link RemoteContentStore} together with the server it talks to: a {@link StowageServer} on 127.0.0.1 and an
 * ephemeral port serving a {@link LocalContentStore} on a root directory. Every store call goes to the remote
 * client ({@link DelegatingStore}); {@link #close()} closes the client, then stops the server, then closes the
 * local store. For tests.
 */
final class ServedStore extends DelegatingStore {
    private final LocalContentStore local;
    private final StowageServer server;
    private final RemoteContentStore remote;

    private ServedStore(LocalContentStore local, StowageServer server, RemoteContentStore remote) {
        super(remote);
        this.local = local;
        this.server = server;
        this.remote = remote;
    }

    /** Opens the local store on {@code root}, serves it, and connects a remote store with {@code options}. */
    static ServedStore open(Path root, RemoteOptions options) {
        LocalContentStore local = LocalContentStore.open(root);
        StowageServer server;
        try {
            server = StowageServer.start(ServerOptions.defaults().withPort(0), List.of(ContentRoutes.of(local)));
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
        return new ServedStore(local, server, RemoteContentStore.connect(server.uri(), options));
    }

    static ServedStore open(Path root) {
        return open(root, RemoteOptions.defaults());
    }

    RemoteContentStore remote() {
        return remote;
    }

    LocalContentStore local() {
        return local;
    }

    StowageServer server() {
        return server;
    }

    @Override
    public Mono<Writer> expiringWriter(String ref, long total, Digest expected, java.time.Duration expiry) {
        return remote.expiringWriter(ref, total, expected, expiry);
    }

    @Override
    public void close() {
        try {
            remote.close();
        } finally {
            try {
                server.disposeNow(Duration.ofSeconds(10));
            } finally {
                local.close();
            }
        }
    }
}
