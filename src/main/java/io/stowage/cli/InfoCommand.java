package io.stowage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stowage content info DIGEST}: the Info as indented JSON, in the wire format of the server. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Print the Info of DIGEST as JSON.")
final class InfoCommand extends ContentSubcommand {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(index = "0", paramLabel = "DIGEST")
    String digest;

    @Override
    int run(ContentStore store) throws Exception {
        Info info = store.info(Digest.parse(digest)).block();
        env().out().println(JSON.writeValueAsString(toJson(info)));
        env().out().flush();
        return 0;
    }

    /** {@code {"digest","size","createdAt","updatedAt","labels"}}, times RFC 3339 UTC, labels sorted. */
    static ObjectNode toJson(Info info) {
        ObjectNode n = JSON.createObjectNode();
        n.put("digest", info.digest().toString());
        n.put("size", info.size());
        n.put("createdAt", info.createdAt() == null ? null : info.createdAt().toString());
        n.put("updatedAt", info.updatedAt() == null ? null : info.updatedAt().toString());
        ObjectNode labels = n.putObject("labels");
        new TreeMap<>(info.labels()).forEach(labels::put);
        return n;
    }
}
