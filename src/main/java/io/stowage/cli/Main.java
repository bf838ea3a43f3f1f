package io.stowage.cli;

/** Entry point of the {@code stowage} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("stowage: commands are not wired yet");
        System.exit(2);
    }
}
