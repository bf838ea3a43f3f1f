package io.stowage.content;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a contract test class provides: a way to open the store under test on a root directory. The store may
 * be local or a client of a server started for it on that root; closing the returned store must release
 * everything it holds (files, connections, the server). Opening again on the same root must find what the
 * closed store left there. Tests receive a fresh root and the opened stores through a {@link StoreFixture}
 * parameter, which closes them and deletes the root after each test.
 */
@ExtendWith(StoreFixture.Resolver.class)
public interface StoreUnderTest {
    ContentStore openStore(Path root);
}
