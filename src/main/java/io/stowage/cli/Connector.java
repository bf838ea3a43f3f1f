package io.stowage.cli;

import io.stowage.net.ClientSecurity;
import java.net.URI;
import java.util.function.Function;

/**
 * Opens a client of a server: its address and how to talk to it safely (CA, credentials). As a plain
 * {@code Function<URI, T>} it connects with {@link ClientSecurity#none()}.
 *
 * @param <T> the client, a content store or an image store
 */
@FunctionalInterface
public interface Connector<T> extends Function<URI, T> {
    /** A client of the server at {@code address}; the caller closes it. */
    T connect(URI address, ClientSecurity security);

    @Override
    default T apply(URI address) {
        return connect(address, ClientSecurity.none());
    }

    /** A connector that ignores the security settings (tests that hand out a local store). */
    static <T> Connector<T> ignoringSecurity(Function<URI, T> f) {
        return f instanceof Connector<T> c ? c : (address, security) -> f.apply(address);
    }
}
