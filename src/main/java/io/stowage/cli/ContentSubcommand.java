package io.stowage.cli;

import io.stowage.content.ContentStore;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A {@code stowage content} command: connects to the server, runs against its store, and closes the client. */
abstract class ContentSubcommand implements Callable<Integer> {
    @ParentCommand
    ContentCommand parent;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ServerLogin login;

    CliEnvironment env() {
        return parent.main.env();
    }

    @Override
    public final Integer call() throws Exception {
        try (ContentStore store = parent.main.connect(login)) {
            return run(store);
        }
    }

    /** Runs the command and returns its exit code; exceptions are reported by {@link Main}. */
    abstract int run(ContentStore store) throws Exception;

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
