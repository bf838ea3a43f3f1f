package io.stowage.cli;

import io.stowage.content.ContentStore;
import io.stowage.gc.Leases;
import io.stowage.gc.remote.RemoteLeases;
import io.stowage.images.Image;
import io.stowage.images.ImageStore;
import io.stowage.transfer.Platform;
import io.stowage.transfer.Puller;
import io.stowage.transfer.Reference;
import io.stowage.transfer.TransferOptions;
import io.stowage.transfer.TransferProgress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stowage pull REF}: pulls an image from its registry into the store of the server at {@code --address}
 * and records it in the server's image store ({@link Puller}); progress as {@link TransferView} shows it, then
 * {@code NAME DIGEST}. Interrupted and run again, it resumes every blob from what the server's ingests hold.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Pull an image from a registry into the server's store: REGISTRY/NAME[:TAG|@DIGEST]",
                "(docker.io and library/ are the defaults, as in docker). Resumable: run it again."})
final class PullCommand extends TransferCommand implements Callable<Integer> {
    @Parameters(paramLabel = "REF", description = "The image, e.g. docker.io/library/alpine:3.20.")
    String ref;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "The platform to pull from an index (default: this machine's).")
    String platform;

    @Option(names = "--all-platforms", description = "Pull every platform of an index.")
    boolean allPlatforms;

    @Override
    public Integer call() throws Exception {
        Reference reference = Reference.parse(ref);
        TransferOptions options = options();
        if (allPlatforms && platform != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--platform and --all-platforms exclude each other");
        }
        options = allPlatforms ? options.withAllPlatforms()
                : options.withPlatform(platform == null ? Platform.current() : Platform.parse(platform));
        try (ContentStore store = main.connect(); ImageStore images = main.connectImages();
             RemoteLeases leases = RemoteLeases.connect(main.address());
             Puller puller = Puller.create(store, images, leaseApi(leases), options)) {
            TransferProgress progress = TransferProgress.create();
            Image image = run(puller.pull(reference, progress), progress, store);
            printResult("pulled", image.name(), image.target().digest().toString());
            return 0;
        }
    }

    /**
     * The server's lease API, under which the pull protects what it writes from garbage collection until the image
     * names it; null (pull without a lease) when the server has none ({@code service/leases} disabled) or cannot
     * be asked. Probed with one cheap request.
     */
    private static Leases leaseApi(RemoteLeases leases) {
        try {
            leases.resources("stowage-probe").then().block(java.time.Duration.ofSeconds(10));
            return leases;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
