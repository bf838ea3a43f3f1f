package io.stowage.cli;

import io.stowage.content.ContentStore;
import io.stowage.content.Refs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stowage content abort REF}: removes an ingest and its data, ending a write session holding it. */
@Command(name = "abort", mixinStandardHelpOptions = true, description = "Abort the ingest REF and drop its data.")
final class AbortCommand extends ContentSubcommand {
    @Parameters(index = "0", paramLabel = "REF")
    String ref;

    @Override
    int run(ContentStore store) {
        store.abort(Refs.validate(ref)).block();
        return 0;
    }
}
