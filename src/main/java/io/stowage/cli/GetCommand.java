package io.stowage.cli;

import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stowage content get DIGEST}: the blob's bytes to stdout, streamed with backpressure. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Write the content of DIGEST to stdout.")
final class GetCommand extends ContentSubcommand {
    @Parameters(index = "0", paramLabel = "DIGEST")
    String digest;

    @Override
    int run(ContentStore store) throws IOException {
        Digest d = Digest.parse(digest);
        WritableByteChannel out = Channels.newChannel(env().out());
        for (ByteBuffer buf : Iterating.over(store.read(d), 2)) {
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        }
        env().out().flush();
        return 0;
    }
}
