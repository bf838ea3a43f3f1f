package io.stowage.cli;

import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code stowage content rm DIGEST...}: deletes each blob and prints its digest. A failure on one (e.g. not found)
 * is reported in its own error line and does not stop the others; the exit status is that of the first failure.
 */
@Command(name = "rm", aliases = {"delete", "del"}, mixinStandardHelpOptions = true,
        description = "Delete committed content; prints each digest deleted.")
final class RemoveCommand extends ContentSubcommand {
    @Parameters(arity = "1..*", paramLabel = "DIGEST")
    List<String> digests;

    @Override
    int run(ContentStore store) {
        ExitStatus first = ExitStatus.OK;
        for (String s : digests) {
            try {
                Digest d = Digest.parse(s);
                store.delete(d).block();
                env().out().println(d);
            } catch (ContentException e) {
                ExitStatus.Failure f = ExitStatus.classify(e, "");
                env().err().println(f.line());
                if (first == ExitStatus.OK) {
                    first = f.status();
                }
            }
        }
        env().out().flush();
        return first.exitCode();
    }
}
