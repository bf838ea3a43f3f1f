package io.stowage.cli;

import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import io.stowage.content.Ingests;
import io.stowage.content.Labels;
import io.stowage.content.Refs;
import io.stowage.content.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import reactor.core.scheduler.Schedulers;

/**
 * {@code stowage content ingest REF}: stdin into a write session of the ref, committed and its digest printed.
 * Resumable like {@code ctr content ingest}: the writer is reopened, and when the ingest already holds N bytes the
 * first N bytes of stdin are read and dropped, then the rest is appended. When the content is already stored the
 * command prints its digest and succeeds.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Write stdin to the store under REF, commit it and print its digest.",
                "Interrupted and re-run with the same REF and input, it resumes where the ingest stopped."})
final class IngestCommand extends ContentSubcommand {
    @Parameters(index = "0", paramLabel = "REF", description = "Names the ingest (1-256 bytes of UTF-8).")
    String ref;

    @Option(names = "--total", paramLabel = "N", description = "Expected size in bytes, checked on commit.")
    long total;

    @Option(names = "--expected", paramLabel = "DIGEST", description = "Expected digest (sha256:... or sha512:...).")
    String expected;

    @Option(names = "--expiry", paramLabel = "DURATION", converter = ActiveCommand.DurationConverter.class,
            description = "Let garbage collection abort the ingest once untouched this long (e.g. 30m, 2h; default:"
                    + " the server's ingestExpiry).")
    java.time.Duration expiry;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Label of the committed content (repeatable).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Override
    int run(ContentStore store) {
        Refs.validate(ref);
        if (total < 0) {
            throw ContentException.invalidArgument("--total " + total + ": must not be negative");
        }
        Digest expectedDigest = expected == null ? null : Digest.parse(expected);
        Labels.validate(labels);
        Writer writer;
        try {
            writer = open(store, expectedDigest);
        } catch (ContentException e) {
            if (e.code() == ErrorCode.ALREADY_EXISTS && expectedDigest != null) {
                env().out().println(expectedDigest);
                return 0;
            }
            throw e;
        }
        try {
            long offset = writer.status().block().offset();
            if (offset > 0) {
                env().err().println("resuming ingest " + ref + " at byte " + offset);
            }
            writer.write(offset, StdinChunks.read(env().in(), offset, ref, Schedulers.boundedElastic())).block();
            Digest written = writer.digest().block();
            try {
                Info info = writer.commit(total, expectedDigest, labels).block();
                env().out().println(info.digest());
            } catch (ContentException e) {
                if (e.code() != ErrorCode.ALREADY_EXISTS) {
                    throw e;
                }
                env().out().println(written);
            }
            return 0;
        } finally {
            writer.close().block();
        }
    }

    /**
     * True when the server answers a status query of the ref (found or not): then UNAVAILABLE meant a lock held
     * by another writer, not a server out of reach.
     */
    private boolean serverAnswers(ContentStore store) {
        try {
            store.status(ref).block();
            return true;
        } catch (ContentException e) {
            return e.code() != ErrorCode.UNAVAILABLE;
        }
    }

    /** Opens the writer; when another writer holds the ref, says so on stderr and waits for it. */
    private Writer open(ContentStore store, Digest expectedDigest) {
        try {
            return store.expiringWriter(ref, total, expectedDigest, expiry).block();
        } catch (ContentException e) {
            if (e.code() != ErrorCode.UNAVAILABLE || !serverAnswers(store)) {
                throw e;
            }
            env().err().println("waiting for ingest " + ref + ": " + e.getMessage());
            return Ingests.openWriter(store, ref, total, expectedDigest).block();
        }
    }
}
