package io.stowage.transfer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Debian {@code docker-registry} (distribution 2.8) on 127.0.0.1 at a free port, storing under a temporary
 * directory, with the config of {@code /work/shared/peers/lib.sh start_registry}. Tests are skipped when the binary
 * is absent, unless the environment variable {@code CI} is set (then they fail: CI installs it). Blocking: for the
 * test thread only.
 */
final class RegistryProcess implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final int port;
    private final Path log;

    private RegistryProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static RegistryProcess start(Path dir) throws IOException, InterruptedException {
        Path binary = Files.isExecutable(BINARY) ? BINARY : null;
        if (binary == null) {
            String ci = System.getenv("CI");
            assumeTrue(ci != null && !ci.isEmpty(), "docker-registry is not installed (" + BINARY
                    + "); apt-get install docker-registry to run the registry tests");
            throw new IllegalStateException("CI is set but docker-registry is not installed at " + BINARY);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir);
        Path config = dir.resolve("registry.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: error
                  accesslog:
                    disabled: true
                storage:
                  cache:
                    blobdescriptor: inmemory
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:%d
                  secret: stowage-tests-not-secret
                """.formatted(dir.resolve("data"), port));
        Path log = dir.resolve("registry.log");
        Process p = new ProcessBuilder(binary.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RegistryProcess r = new RegistryProcess(p, port, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!r.answers()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                r.close();
                throw new IllegalStateException("docker-registry did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return r;
    }

    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/v2/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(500);
            int status = c.getResponseCode();
            c.disconnect();
            return status == 200;
        } catch (IOException e) {
            return false;
        }
    }

    int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, the registry part of a reference. */
    String host() {
        return "127.0.0.1:" + port;
    }

    String url() {
        return "http://" + host();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
