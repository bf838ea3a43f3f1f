package io.stowage.server;

/**
 * What a {@link StowageServer} adds around its routes: TLS (null: plain HTTP) and a request filter (null: every
 * request goes to the routes). Immutable.
 *
 * @param tls    the certificate and key to serve https with, or null
 * @param filter the filter every request passes first (authentication), or null
 */
public record ServerSecurity(ServerTls tls, RequestFilter filter) {
    /** Plain HTTP, no filter. */
    public static ServerSecurity none() {
        return new ServerSecurity(null, null);
    }
}
