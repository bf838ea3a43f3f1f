package io.stowage.cli;

import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Verification;
import io.stowage.content.Verifier;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stowage content verify [--all] [--quarantine] [-v] [DIGEST...]}: fsck for content. The server re-hashes
 * each blob ({@code POST /v1/content/{digest}/verify}, or {@code POST /v1/verify} for all, streamed); a corrupt
 * one is printed as {@code DIGEST corrupt: hashes to ACTUAL} (with {@code , quarantined} when {@code --quarantine}
 * moved it out of the store), intact ones only with {@code -v}; a summary line ends the output. Exit status 13
 * ({@code corrupt}) when any blob is corrupt, else that of the first failure (e.g. a digest not found), else 0.
 */
@Command(name = "verify", aliases = "fsck", mixinStandardHelpOptions = true,
        description = {"Re-hash committed content on the server and report corrupt blobs (exit status 13 when any).",
                "With --quarantine, corrupt blobs are moved out of the store (ROOT/quarantine/)."})
final class VerifyCommand extends ContentSubcommand {
    @Parameters(paramLabel = "DIGEST", arity = "0..*", description = "Blobs to verify.")
    List<String> digests = new ArrayList<>();

    @Option(names = "--all", description = "Verify every committed blob.")
    boolean all;

    @Option(names = "--quarantine", description = "Move corrupt blobs out of the store.")
    boolean quarantine;

    @Option(names = {"-v", "--verbose"}, description = "Also print the blobs that are intact.")
    boolean verbose;

    private int checked;
    private long bytes;
    private int corrupt;
    private int quarantined;

    @Override
    int run(ContentStore store) {
        if (all == !digests.isEmpty()) {
            throw usage(all ? "--all and DIGEST arguments exclude each other" : "give DIGEST arguments or --all");
        }
        if (!(store instanceof Verifier verifier)) {
            throw ContentException.invalidArgument("this store cannot verify its content");
        }
        ExitStatus first = ExitStatus.OK;
        if (all) {
            for (Verification v : Iterating.over(verifier.verifyAll(quarantine), 16)) {
                report(v);
            }
        } else {
            for (String s : digests) {
                try {
                    report(verifier.verify(Digest.parse(s), quarantine).block());
                } catch (ContentException e) {
                    ExitStatus.Failure f = ExitStatus.classify(e, "");
                    env().err().println(f.line());
                    if (first == ExitStatus.OK) {
                        first = f.status();
                    }
                }
            }
        }
        PrintStream out = env().out();
        out.println("verified " + checked + " blob" + (checked == 1 ? "" : "s") + " (" + Formats.bytes(bytes)
                + "): " + corrupt + " corrupt" + (quarantine ? ", " + quarantined + " quarantined" : ""));
        out.flush();
        return (corrupt > 0 ? ExitStatus.CORRUPT : first).exitCode();
    }

    private void report(Verification v) {
        checked++;
        bytes += v.size();
        PrintStream out = env().out();
        if (v.ok()) {
            if (verbose) {
                out.println(v.digest() + " ok");
            }
            return;
        }
        corrupt++;
        if (v.quarantined()) {
            quarantined++;
        }
        out.println(v.digest() + " corrupt: hashes to " + v.actual() + (v.quarantined() ? ", quarantined" : ""));
    }
}
