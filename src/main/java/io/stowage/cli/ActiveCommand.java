package io.stowage.cli;

import io.stowage.content.ContentStore;
import io.stowage.content.Status;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import reactor.core.Exceptions;

/**
 * {@code stowage content active [FILTER...] [--watch]}: the ingests in progress as {@code REF OFFSET TOTAL
 * UPDATED} (bytes, total {@code -} when not declared); with {@code --watch} a {@link ProgressView} refreshed every
 * {@code --interval} until interrupted (Ctrl-C; an interrupt of the running thread ends it with status 0).
 */
@Command(name = "active", mixinStandardHelpOptions = true,
        description = {"List ingests in progress with their offset and total, matching any FILTER",
                "(e.g. 'ref~=^layer-'). --watch refreshes progress bars in place on a terminal,",
                "and prints a line per change otherwise, until interrupted."})
final class ActiveCommand extends ContentSubcommand {
    @Parameters(paramLabel = "FILTER", arity = "0..*")
    List<String> filters = new ArrayList<>();

    @Option(names = {"-w", "--watch"}, description = "Keep refreshing until interrupted.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s",
            converter = DurationConverter.class,
            description = "Refresh interval of --watch, e.g. 500ms, 2s (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Override
    int run(ContentStore store) {
        PrintStream out = env().out();
        if (!watch) {
            TextTable table = new TextTable("REF", "OFFSET", "TOTAL", "UPDATED");
            Instant now = Instant.now();
            for (Status s : store.listStatuses(filters).collectList().block()) {
                table.row(s.ref(), Long.toString(s.offset()), s.total() > 0 ? Long.toString(s.total()) : "-",
                        Formats.age(s.updatedAt(), now) + " ago");
            }
            table.print(out);
            return 0;
        }
        ProgressView view = new ProgressView(env().tty());
        try {
            while (!Thread.currentThread().isInterrupted()) {
                List<Status> active = store.listStatuses(filters).collectList().block();
                out.print(view.render(active, Instant.now()));
                out.flush();
                Thread.sleep(interval.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!(Exceptions.unwrap(e) instanceof InterruptedException)) {
                throw e;
            }
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** {@code 250ms}, {@code 2s}, {@code 1m}, {@code 2h}, {@code 7d}, or ISO-8601 ({@code PT2S}); positive. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

        @Override
        public Duration convert(String value) {
            Matcher m = SIMPLE.matcher(value);
            Duration d;
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofMinutes(n);
                };
            } else {
                try {
                    d = Duration.parse(value);
                } catch (RuntimeException e) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 500ms or 2s");
                }
            }
            if (d.isNegative() || d.isZero()) {
                throw new CommandLine.TypeConversionException("'" + value + "' must be positive");
            }
            return d;
        }
    }
}
