package io.stowage.cli;

import io.stowage.content.ContentStore;
import io.stowage.content.Info;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stowage content ls [FILTER...]}: committed content as {@code DIGEST SIZE AGE LABELS}, one line per blob
 * as the server streams them (so the digest column is as wide as a sha256 digest, not measured).
 */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
        description = {"List committed content matching any FILTER (containerd syntax, e.g.",
                "'labels.\"kind\"==layer', 'size>1024,digest~=^sha256:'); all when none."})
final class ListCommand extends ContentSubcommand {
    private static final String ROW = "%-71s  %10s  %4s  %s";

    @Parameters(paramLabel = "FILTER", arity = "0..*")
    List<String> filters = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = "Print only the digests.")
    boolean quiet;

    @Override
    int run(ContentStore store) {
        PrintStream out = env().out();
        Instant now = Instant.now();
        boolean headed = quiet;
        for (Info i : Iterating.over(store.walk(filters), 64)) {
            if (!headed) {
                out.println(header());
                headed = true;
            }
            out.println(quiet ? i.digest().toString() : String.format(ROW, i.digest(), Formats.bytes(i.size()),
                    Formats.age(i.createdAt(), now), Formats.labels(i.labels())));
        }
        if (!headed) {
            out.println(header());
        }
        out.flush();
        return 0;
    }

    /** Printed once the listing has started (or ended empty), so that a failed listing prints nothing. */
    private static String header() {
        return String.format(ROW, "DIGEST", "SIZE", "AGE", "LABELS").stripTrailing();
    }
}
