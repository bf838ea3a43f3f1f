package io.stowage.net;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslContext;
import io.stowage.content.ContentException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.net.ssl.SSLException;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;

/**
 * How a client talks to an https server and who it says it is: server certificates are checked against the JVM's
 * trust store (the system's CAs) or, when {@code caCertificate} is set, against the CAs of that PEM file only; the
 * host name must match the certificate. The {@code Authorization} header, when set, is sent with every request.
 * {@link #toString()} never shows the credentials. Immutable.
 *
 * @param caCertificate PEM file of the CA certificates to trust instead of the system's, or null
 * @param authorization the value of the {@code Authorization} header ({@code Bearer T} or {@code Basic B64}), or
 *                      null for none
 */
public record ClientSecurity(Path caCertificate, String authorization) {
    /** System trust store, no credentials. */
    public static ClientSecurity none() {
        return new ClientSecurity(null, null);
    }

    public ClientSecurity withCaCertificate(Path file) {
        return new ClientSecurity(file, authorization);
    }

    /** Sends {@code Authorization: Bearer TOKEN}. */
    public ClientSecurity withToken(String token) {
        return new ClientSecurity(caCertificate, "Bearer " + token);
    }

    /** Sends {@code Authorization: Basic ...} of the user name and password. */
    public ClientSecurity withBasic(String user, String password) {
        String pair = user + ":" + password;
        return new ClientSecurity(caCertificate,
                "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@code client} with the credentials as a default header and, when {@code address} is https, TLS with this
     * trust. Reads the CA file (blocking: call it when building a client, not on an event loop). Errors:
     * INVALID_ARGUMENT when the CA file is missing or not PEM certificates.
     */
    public HttpClient configure(HttpClient client, URI address) {
        HttpClient c = client;
        if (authorization != null) {
            String value = authorization;
            c = c.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, value));
        }
        if ("https".equalsIgnoreCase(address.getScheme()) || "wss".equalsIgnoreCase(address.getScheme())) {
            c = secure(c);
        }
        return c;
    }

    /** {@code client} with TLS checked against this trust (no credentials added). Errors as {@link #configure}. */
    public HttpClient secure(HttpClient client) {
        if (caCertificate == null) {
            return client.secure();
        }
        SslContext context = sslContext();
        return client.secure(spec -> spec.sslContext(context));
    }

    private SslContext sslContext() {
        if (!Files.isReadable(caCertificate)) {
            throw ContentException.invalidArgument("CA certificate " + caCertificate + ": missing or unreadable");
        }
        try {
            return Http11SslContextSpec.forClient()
                    .configure(b -> b.trustManager(caCertificate.toFile()))
                    .sslContext();
        } catch (SSLException | RuntimeException e) {
            throw ContentException.invalidArgument("CA certificate " + caCertificate + ": not PEM certificates: "
                    + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "ClientSecurity[ca=" + (caCertificate == null ? "system" : caCertificate)
                + (authorization == null ? "" : ", authorization hidden") + "]";
    }
}
