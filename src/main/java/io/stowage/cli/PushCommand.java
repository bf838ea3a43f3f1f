package io.stowage.cli;

import io.stowage.content.ContentStore;
import io.stowage.content.Descriptor;
import io.stowage.images.ImageStore;
import io.stowage.transfer.Pusher;
import io.stowage.transfer.Reference;
import io.stowage.transfer.TransferProgress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stowage push REF [--from LOCAL_IMAGE]}: pushes an image of the server's image store (REF itself, or
 * {@code --from}) to REF's registry ({@link Pusher}), with the same progress view, then prints {@code NAME DIGEST}.
 */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Push an image of the server's image store to a registry: REGISTRY/NAME:TAG.",
                "Blobs the registry has are skipped; blobs pulled from another repository of it are mounted."})
final class PushCommand extends TransferCommand implements Callable<Integer> {
    @Parameters(paramLabel = "REF", description = "Where to push, e.g. registry.example:5000/team/app:v1.")
    String ref;

    @Option(names = "--from", paramLabel = "LOCAL_IMAGE",
            description = "The image to push, by its name in the image store (default: REF).")
    String from;

    @Override
    public Integer call() throws Exception {
        Reference target = Reference.parse(ref);
        String local = from != null ? from : target.toString();
        try (ContentStore store = main.connect(); ImageStore images = main.connectImages();
             Pusher pusher = Pusher.create(store, options())) {
            Descriptor root = images.get(local).block(Duration.ofSeconds(30)).target();
            TransferProgress progress = TransferProgress.create();
            Descriptor pushed = run(pusher.push(target, root, progress), progress, null);
            printResult("pushed", target.toString(), pushed.digest().toString());
            return 0;
        }
    }
}
