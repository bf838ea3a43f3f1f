package io.stowage.cli;

import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import io.stowage.plugin.PluginException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import reactor.core.Exceptions;

/**
 * The exit status of a {@code stowage} command, one per error category, and the {@code code} word printed in the
 * one-line error message. The content error codes keep their wire names. Documented in {@code docs/cli.md}.
 */
public enum ExitStatus {
    OK(0),
    /** A bug or an unexpected failure. */
    INTERNAL(1),
    /** The command line is wrong: unknown command or option, missing or malformed parameter. */
    USAGE(2),
    INVALID_ARGUMENT(3),
    NOT_FOUND(4),
    ALREADY_EXISTS(5),
    FAILED_PRECONDITION(6),
    OUT_OF_RANGE(7),
    /** The ref is locked, or the server cannot be reached. */
    UNAVAILABLE(8),
    RESOURCE_EXHAUSTED(9),
    /** {@code serve}: the config file is unreadable or invalid, or a required plugin did not initialise. */
    CONFIG(10),
    /** No credentials, or credentials the server does not accept. */
    UNAUTHENTICATED(11),
    /** The credentials are accepted but do not allow this. */
    PERMISSION_DENIED(12),
    /** {@code content verify}: some content does not hash to its digest. */
    CORRUPT(13);

    private final int exitCode;

    ExitStatus(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The process exit code. */
    public int exitCode() {
        return exitCode;
    }

    /** The word printed after {@code stowage:}, e.g. {@code not_found}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status of a content error code. */
    public static ExitStatus of(ErrorCode code) {
        return valueOf(code.name());
    }

    /** A failure as the status and the one-line reason to print. */
    record Failure(ExitStatus status, String reason) {
        String line() {
            return "stowage: " + status.code() + ": " + reason;
        }
    }

    /** Classifies an exception thrown by a command; {@code address} names the server in connection errors. */
    static Failure classify(Throwable thrown, String address) {
        Throwable t = Exceptions.unwrap(thrown);
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ContentException ce) {
                return new Failure(of(ce.code()), oneLine(ce.getMessage()));
            }
            if (c instanceof PluginException pe) {
                return new Failure(CONFIG, oneLine(pe.getMessage()));
            }
        }
        String tls = io.stowage.net.TlsErrors.describe(t);
        if (tls != null) {
            return new Failure(UNAVAILABLE, oneLine("cannot talk to " + address + ": " + tls));
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException && String.valueOf(c.getMessage()).contains("refused")) {
                return new Failure(UNAVAILABLE, "cannot connect to " + address + ": connection refused");
            }
            if (c instanceof IOException || c instanceof TimeoutException) {
                String why = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
                return new Failure(UNAVAILABLE, oneLine("cannot reach " + address + ": " + why));
            }
        }
        return new Failure(INTERNAL, oneLine(t.toString()));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
