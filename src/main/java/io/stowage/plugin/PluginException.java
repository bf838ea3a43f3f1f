package io.stowage.plugin;

/**
 * A configuration or plugin-graph failure: an unreadable or invalid config file, a dependency that is missing or
 * ambiguous, a required plugin that did not initialise. The message names the file, key or plugin concerned.
 */
public class PluginException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
