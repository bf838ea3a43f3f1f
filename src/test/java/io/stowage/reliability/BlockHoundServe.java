package io.stowage.reliability;

import io.stowage.cli.Main;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * The entry point of the child JVMs of the reliability tests: {@link Main} with BlockHound installed, as in
 * every test run. A blocking call on a non-blocking thread is printed as one {@code BLOCKING CALL} line on
 * stderr (which {@link ServerProcess} looks for) before it fails as usual.
 */
public final class BlockHoundServe {
    /** The marker {@link ServerProcess} looks for in the child's stderr. */
    static final String BLOCKING_MARK = "BLOCKING CALL";

    private BlockHoundServe() {
    }

    public static void main(String[] args) {
        BlockHound.install(builder -> builder.blockingMethodCallback(m -> {
            System.err.println(BLOCKING_MARK + ": " + m);
            new Throwable(BLOCKING_MARK).printStackTrace();
            throw new BlockingOperationError(m);
        }));
        Main.main(args);
    }
}
