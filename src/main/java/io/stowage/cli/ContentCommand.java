package io.stowage.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code stowage content}: the group of commands that work on a server's content store. */
@Command(name = "content", mixinStandardHelpOptions = true,
        description = "Manage the content of a server: ingest, read, list, label, remove, watch ingests, verify.",
        subcommands = {IngestCommand.class, GetCommand.class, ListCommand.class, InfoCommand.class,
                LabelCommand.class, RemoveCommand.class, ActiveCommand.class, AbortCommand.class,
                VerifyCommand.class})
final class ContentCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing content command");
    }
}
