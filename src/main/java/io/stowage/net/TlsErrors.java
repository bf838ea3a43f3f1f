package io.stowage.net;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Clear words for the ways TLS goes wrong on the client side: a server certificate that no trusted CA signed or
 * that names another host, a server that does not speak TLS, an https server spoken to in plain http. Stateless.
 */
public final class TlsErrors {
    private TlsErrors() {
    }

    /**
     * A one-line explanation of {@code t} (or one of its causes) when it is a failed TLS handshake, else null.
     * Such a failure does not go away by retrying.
     */
    public static String describeHandshake(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SSLException) {
                return describe(c);
            }
        }
        return null;
    }

    /**
     * A one-line explanation of {@code t} (or one of its causes) when it is a TLS failure, or a connection closed
     * before any response (what an https server does to a plain http request), else null.
     */
    public static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof SSLHandshakeException || c instanceof SSLException) {
                if (m.contains("PKIX") || m.contains("unable to find valid certification path")
                        || m.contains("certificate_unknown") || m.contains("signature check failed")) {
                    return "TLS: the server's certificate is not signed by a trusted CA (give the CA certificate"
                            + " that signed it, e.g. --ca-cert FILE): " + m;
                }
                if (m.contains("No subject alternative") || m.contains("No name matching")) {
                    return "TLS: the server's certificate does not name this host: " + m;
                }
                if (m.contains("not an SSL/TLS record") || m.contains("Unsupported or unrecognized SSL message")) {
                    return "TLS: the server does not speak TLS (use http:// for it): " + m;
                }
                return "TLS handshake failed: " + m;
            }
            if (c instanceof PrematureCloseException && m.contains("BEFORE response")) {
                return "connection closed before any response (if the server speaks https, use https://): " + m;
            }
        }
        return null;
    }
}
