package io.stowage.cli;

import io.stowage.images.Image;
import io.stowage.images.ImageStore;
import io.stowage.transfer.MediaTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code stowage images ls|rm}: the server's image store. */
@Command(name = "images", mixinStandardHelpOptions = true, description = "List or remove the server's images.",
        subcommands = {ImagesCommand.List.class, ImagesCommand.Remove.class})
final class ImagesCommand implements Callable<Integer> {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing images command");
    }

    /** {@code images ls [-q] [FILTER...]}: {@code NAME TYPE DIGEST SIZE UPDATED LABELS}. */
    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
            description = {"List images matching any FILTER (containerd syntax over name, target.digest,",
                    "target.mediatype, labels.KEY), as NAME TYPE DIGEST SIZE UPDATED LABELS."})
    static final class List implements Callable<Integer> {
        @ParentCommand
        ImagesCommand parent;

        @Parameters(paramLabel = "FILTER", arity = "0..*")
        java.util.List<String> filters = new ArrayList<>();

        @Option(names = "-q", description = "Names only.")
        boolean quiet;

        @Override
        public Integer call() {
            CliEnvironment env = parent.main.env();
            try (ImageStore images = parent.main.connectImages()) {
                java.util.List<Image> all = images.list(filters).collectList().block(TIMEOUT);
                if (quiet) {
                    all.forEach(i -> env.out().println(i.name()));
                    env.out().flush();
                    return 0;
                }
                TextTable table = new TextTable("NAME", "TYPE", "DIGEST", "SIZE", "UPDATED", "LABELS");
                Instant now = Instant.now();
                for (Image i : all) {
                    table.row(i.name(), type(i.target().mediaType()), i.target().digest().toString(),
                            Formats.bytes(i.target().size()), Formats.age(i.updatedAt(), now) + " ago",
                            Formats.labels(i.labels()));
                }
                table.print(env.out());
                return 0;
            }
        }

        private static String type(String mediaType) {
            if (MediaTypes.isIndex(mediaType)) {
                return "index";
            }
            if (MediaTypes.isManifest(mediaType)) {
                return "manifest";
            }
            return mediaType == null ? "-" : mediaType;
        }
    }

    /** {@code images rm NAME...}: removes each (not its content); the first failure sets the exit status. */
    @Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true,
            description = "Remove images by name (their content stays in the store).")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        ImagesCommand parent;

        @Parameters(paramLabel = "NAME", arity = "1..*")
        java.util.List<String> names;

        @Override
        public Integer call() {
            CliEnvironment env = parent.main.env();
            int status = 0;
            try (ImageStore images = parent.main.connectImages()) {
                for (String name : names) {
                    try {
                        images.delete(name).block(TIMEOUT);
                        env.out().println(name);
                    } catch (RuntimeException e) {
                        ExitStatus.Failure f = ExitStatus.classify(e, parent.main.address().toString());
                        env.err().println(f.line());
                        if (status == 0) {
                            status = f.status().exitCode();
                        }
                    }
                }
            }
            env.out().flush();
            env.err().flush();
            return status;
        }
    }
}
