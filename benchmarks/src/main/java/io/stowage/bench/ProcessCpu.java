package io.stowage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of another process on this machine, for the load generators' {@code -DserverPid}. Linux only. */
final class ProcessCpu {
    private ProcessCpu() {
    }

    /** User + system CPU seconds of a process so far ({@code /proc/PID/stat}, clock ticks of 1/100 s). */
    static double seconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }
}
