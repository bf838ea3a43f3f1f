package io.stowage.cli;

import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code stowage} command: {@code serve}, {@code content ...}, {@code plugins}, {@code pull}, {@code push} and
 * {@code images ...}. Build it with
 * {@link #commandLine(CliEnvironment)}, which installs the error handling: every failure prints one line
 * {@code stowage: <code>: <reason>} on stderr and exits with the {@link ExitStatus} of its category.
 */
@Command(name = "stowage", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Content-addressable blob store: run a server, or manage the content of one.",
        subcommands = {ServeCommand.class, ContentCommand.class, PluginsCommand.class, PullCommand.class,
                PushCommand.class, ImagesCommand.class, GcCommand.class},
        footer = {"", "Exit status:", "  0 ok, 1 internal, 2 usage, 3 invalid_argument, 4 not_found, 5 already_exists,",
                "  6 failed_precondition, 7 out_of_range, 8 unavailable, 9 resource_exhausted,", "  10 config"})
public final class Main implements Callable<Integer> {
    /** The server address when neither {@code --address} nor {@code STOWAGE_ADDRESS} is given. */
    public static final String DEFAULT_ADDRESS = "http://127.0.0.1:5000";
    /** The environment variable naming the server address. */
    public static final String ADDRESS_ENV = "STOWAGE_ADDRESS";

    private final CliEnvironment env;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--address", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "Server to talk to (default: $" + ADDRESS_ENV + ", else " + DEFAULT_ADDRESS + ").")
    private String address;

    private Main(CliEnvironment env) {
        this.env = env;
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/stowage/cli/logback-cli.xml");
        }
        CliEnvironment env = CliEnvironment.system();
        int status = commandLine(env).execute(args);
        env.shutdown().finished();
        System.exit(status);
    }

    /** The command line over {@code env}, with stowage's error handling and exit statuses. */
    public static CommandLine commandLine(CliEnvironment env) {
        Main main = new Main(env);
        CommandLine cl = new CommandLine(main);
        cl.setOut(new PrintWriter(env.out(), true));
        cl.setErr(new PrintWriter(env.err(), true));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            ExitStatus.Failure f = ExitStatus.classify(ex, main.addressForMessages());
            env.err().println(f.line());
            env.err().flush();
            return f.status().exitCode();
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            String hint = ex.getCommandLine().getCommandSpec().qualifiedName() + " --help";
            env.err().println("stowage: " + ExitStatus.USAGE.code() + ": "
                    + ex.getMessage().replaceAll("\\s*[\\r\\n]+\\s*", " ").strip() + " (see '" + hint + "')");
            env.err().flush();
            return ExitStatus.USAGE.exitCode();
        });
        return cl;
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    CliEnvironment env() {
        return env;
    }

    /**
     * The server address: {@code --address}, else {@code $STOWAGE_ADDRESS}, else {@link #DEFAULT_ADDRESS}; a
     * value without a scheme gets {@code http://}. Errors: INVALID_ARGUMENT for a malformed URL.
     */
    URI address() {
        String a = address != null ? address : env.env().getOrDefault(ADDRESS_ENV, DEFAULT_ADDRESS);
        String withScheme = a.contains("://") ? a : "http://" + a;
        try {
            URI uri = new URI(withScheme);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw ContentException.invalidArgument("address " + a + ": expected http://HOST:PORT");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ContentException.invalidArgument("address " + a + ": " + e.getMessage());
        }
    }

    private String addressForMessages() {
        try {
            return address().toString();
        } catch (ContentException e) {
            return String.valueOf(address);
        }
    }

    /** A client of the content store at {@link #address()}; the caller closes it. */
    ContentStore connect() {
        return env.connector().apply(address());
    }

    /** A client of the image store at {@link #address()}; the caller closes it. */
    io.stowage.images.ImageStore connectImages() {
        return env.imageConnector().apply(address());
    }

    /** The implementation version of the jar, or {@code development build}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"stowage " + (v == null ? "(development build)" : v)};
        }
    }
}
