package io.stowage.content.local;

/**
 * Named points of the store's commit and delete sequences where a test can make the process die, to prove that
 * a crash at each of them leaves the store consistent ({@code CrashSafetyTest}). A point is armed by starting the
 * JVM with {@code -Dstowage.crashPoint=NAME}; when a thread reaches it the process halts at once with
 * {@link #EXIT_STATUS}, as {@code kill -9} would stop it: no shutdown hooks, no further writes. Unarmed (always,
 * outside such tests) a point costs one comparison. The points are named where {@link LocalContentStore#publish}
 * and {@link LocalContentStore#delete} reach them.
 */
final class CrashPoints {
    /** The exit status of a process halted at a crash point. */
    static final int EXIT_STATUS = 99;
    private static final String ARMED = System.getProperty("stowage.crashPoint");

    private CrashPoints() {
    }

    /** Halts the process when {@code name} is the armed point. */
    static void reach(String name) {
        if (ARMED != null && ARMED.equals(name)) {
            System.err.println("stowage: halting at crash point " + name);
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
