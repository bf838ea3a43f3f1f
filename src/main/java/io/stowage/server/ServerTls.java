package io.stowage.server;

import io.netty.handler.ssl.SslContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.SSLException;
import reactor.netty.http.Http11SslContextSpec;

/**
 * The server's TLS identity: a PEM certificate chain (the server's certificate first, then any intermediates) and
 * its PEM private key in PKCS#8 form ({@code -----BEGIN PRIVATE KEY-----}; convert an {@code RSA PRIVATE KEY} or
 * {@code EC PRIVATE KEY} with {@code openssl pkcs8 -topk8 -nocrypt}). HTTP/1.1 only (WebSocket write sessions
 * need it). Immutable.
 *
 * @param certificate the PEM certificate chain file
 * @param key         the PEM PKCS#8 private key file (unencrypted)
 */
public record ServerTls(Path certificate, Path key) {
    public ServerTls {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    /**
     * Reads both files and builds the TLS context. Blocks (reads files): call it at start-up. Errors:
     * IllegalArgumentException naming the file that is missing, unreadable or not PEM.
     */
    public SslContext sslContext() {
        for (Path p : new Path[] {certificate, key}) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("tls: " + p + ": missing or unreadable");
            }
        }
        try {
            return Http11SslContextSpec.forServer(certificate.toFile(), key.toFile()).sslContext();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("tls: certificate " + certificate + " and key " + key
                    + ": not a PEM certificate chain and a matching unencrypted PKCS#8 PEM key: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
