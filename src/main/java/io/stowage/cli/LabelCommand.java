package io.stowage.cli;

import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code stowage content label DIGEST KEY=VALUE...}: sets each label, removes those given as {@code KEY=}, leaves
 * the others, and prints the resulting labels; with no KEY=VALUE it only prints them (as {@code ctr}).
 */
@Command(name = "label", mixinStandardHelpOptions = true,
        description = {"Set labels of DIGEST (KEY= removes KEY), then print its labels.",
                "Labels not named are kept; with no KEY=VALUE the labels are only printed."})
final class LabelCommand extends ContentSubcommand {
    @Parameters(index = "0", paramLabel = "DIGEST")
    String digest;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE")
    List<String> assignments = new ArrayList<>();

    @Override
    int run(ContentStore store) {
        Digest d = Digest.parse(digest);
        Map<String, String> set = new HashMap<>();
        List<String> fieldpaths = new ArrayList<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw usage("label '" + a + "': expected KEY=VALUE (KEY= removes the label)");
            }
            String key = a.substring(0, eq);
            String value = a.substring(eq + 1);
            if (!value.isEmpty()) {
                set.put(key, value);
            }
            fieldpaths.add("labels." + key);
        }
        Info info = fieldpaths.isEmpty()
                ? store.info(d).block()
                : store.update(Info.ofLabels(d, set), fieldpaths.toArray(String[]::new)).block();
        env().out().println(info.labels().isEmpty() ? "" : Formats.labels(info.labels()));
        env().out().flush();
        return 0;
    }
}
