package io.stowage.plugin;

/**
 * Thrown by {@link Plugin#init} when the plugin decides not to run (containerd's {@code ErrSkipPlugin}): its status
 * becomes {@code skipped} with this message, and plugins requiring its type go on if another plugin of that type
 * initialised.
 */
public class PluginSkippedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PluginSkippedException(String reason) {
        super(reason);
    }
}
