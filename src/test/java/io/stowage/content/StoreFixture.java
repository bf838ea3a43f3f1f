package io.stowage.content;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One test's store: a fresh root directory and the store opened on it, which {@link #restart()} replaces by a
 * new store on the same root. {@link #close()} closes the open store and deletes the root; JUnit calls it after
 * the test through {@link Resolver}. Used from the test thread only.
 */
public final class StoreFixture implements AutoCloseable {
    private final Path root;
    private final Function<Path, ContentStore> opener;
    private ContentStore current;

    StoreFixture(Path root, Function<Path, ContentStore> opener) {
        this.root = root;
        this.opener = opener;
    }

    /** The root directory the stores of this test are opened on. */
    public Path root() {
        return root;
    }

    /** The open store, opened on first use. */
    public ContentStore store() {
        if (current == null) {
            current = opener.apply(root);
        }
        return current;
    }

    /** Closes the open store (as a process exit would, with writers still open) and opens a new one on the root. */
    public ContentStore restart() {
        ContentStore old = current;
        current = null;
        if (old != null) {
            old.close();
        }
        return store();
    }

    @Override
    public void close() throws IOException {
        try {
            if (current != null) {
                current.close();
                current = null;
            }
        } finally {
            deleteTreeRetrying(root);
        }
    }

    /**
     * A server may still be finishing a write that its client already saw answered (an ingest's bookkeeping
     * file renamed into place), so a walk that meets a file vanishing or a directory filling is tried again.
     */
    private static void deleteTreeRetrying(Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                deleteTree(dir);
                return;
            } catch (NoSuchFileException | DirectoryNotEmptyException e) {
                if (attempt == 10) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Resolves a {@code StoreFixture} test parameter for a test class implementing {@link StoreUnderTest}, and
     * has JUnit close it when the test ends (values of the extension store that are AutoCloseable are closed
     * with their context).
     */
    public static final class Resolver implements ParameterResolver {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(StoreFixture.class);

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
            return p.getParameter().getType() == StoreFixture.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext ctx) {
            if (!(ctx.getRequiredTestInstance() instanceof StoreUnderTest under)) {
                throw new ParameterResolutionException(ctx.getRequiredTestClass().getName()
                        + " does not implement " + StoreUnderTest.class.getSimpleName());
            }
            Path root;
            try {
                root = Files.createTempDirectory("stowage-contract-");
            } catch (IOException e) {
                throw new ParameterResolutionException("cannot create a store root", e);
            }
            StoreFixture fixture = new StoreFixture(root, under::openStore);
            ctx.getStore(NS).put(ctx.getUniqueId(), fixture);
            return fixture;
        }
    }
}
