package io.stowage.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --user USER:PASSWORD} option of the commands that talk only to the stowage server (pull and push
 * have a {@code --user} of their own, for the registry; there the server's credentials come from
 * {@code --token}, {@code $STOWAGE_TOKEN} or {@code $STOWAGE_USER}).
 */
final class ServerLogin {
    @Option(names = "--user", paramLabel = "USER:PASSWORD",
            description = "Log in to the server with basic auth (default: $" + Main.USER_ENV + ").")
    String user;
}
