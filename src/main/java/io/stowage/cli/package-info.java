/**
 * The {@code stowage} command line (picocli): {@code serve} runs the plugins and the server, {@code content ...}
 * and {@code plugins} talk to a server at {@code --address}. Every failure ends in one line
 * {@code stowage: <code>: <reason>} on stderr and an exit status per category ({@link io.stowage.cli.ExitStatus}).
 * Nothing here accepts or returns null unless its javadoc says so.
 */
package io.stowage.cli;
