package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Descriptor;
import io.stowage.content.local.LocalContentStore;
import io.stowage.images.local.LocalImageStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.server.ImageRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.StowageServer;
import io.stowage.transfer.Platform;
import io.stowage.transfer.Pusher;
import io.stowage.transfer.Reference;
import io.stowage.transfer.TransferOptions;
import io.stowage.transfer.TransferTestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;

/**
 * {@code pull}, {@code push} and {@code images} against the Debian registry: the content connector opens the
 * server's store directly (sharing its metadata database), images go over HTTP to a server with the image routes.
 */
class TransferCommandsTest {
    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    AutoCloseable registry;
    String registryHost;
    MetadataDb db;
    StowageServer server;
    CliRunner cli;
    Descriptor pushedRoot;

    @BeforeEach
    void start() throws Exception {
        var r = TransferTestImages.startRegistry(tmp.resolve("registry"));
        registry = r.getKey();
        registryHost = r.getValue();
        db = MetadataDb.open(tmp.resolve("root/metadata.db"));
        server = StowageServer.start(ServerOptions.defaults().withPort(0), List.of(ImageRoutes.of(LocalImageStore.open(db))));
        Path root = tmp.resolve("root");
        cli = new CliRunner(CliEnvironment.of(System.in, System.out, System.err)
                .withConnector(uri -> LocalContentStore.open(root, Schedulers.boundedElastic(), db)));
        try (LocalContentStore source = LocalContentStore.open(tmp.resolve("source"));
             Pusher pusher = Pusher.create(source, TransferOptions.defaults().withPlainHttp(true))) {
            pushedRoot = TransferTestImages.index(source, 31, List.of(Platform.current(), Platform.parse("linux/s390x")),
                    300_000, 1000);
            pusher.push(Reference.parse(registryHost + "/cli/app:v1"), pushedRoot).block(T);
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.disposeNow(T);
        db.close();
        registry.close();
    }

    String address() {
        return server.uri().toString();
    }

    @Test
    void pullRecordsTheImageAndImagesListsAndRemovesIt() {
        CliRunner.Result pull = cli.run("--address", address(), "pull", "--plain-http", registryHost + "/cli/app:v1");
        assertThat(pull.exit()).as(pull.toString()).isZero();
        assertThat(pull.out()).endsWith(registryHost + "/cli/app:v1 " + pushedRoot.digest() + "\n")
                .contains("total").contains("done");

        CliRunner.Result ls = cli.run("--address", address(), "images", "ls");
        assertThat(ls.exit()).as(ls.toString()).isZero();
        assertThat(ls.out().lines().toList()).hasSize(2);
        assertThat(ls.out()).contains(registryHost + "/cli/app:v1").contains("index")
                .contains(pushedRoot.digest().toString());
        CliRunner.Result quiet = cli.run("--address", address(), "images", "ls", "-q", "name~=cli/app");
        assertThat(quiet.out()).isEqualTo(registryHost + "/cli/app:v1\n");

        CliRunner.Result rm = cli.run("--address", address(), "images", "rm", registryHost + "/cli/app:v1", "nothing");
        assertThat(rm.exit()).as(rm.toString()).isEqualTo(ExitStatus.of(io.stowage.content.ErrorCode.NOT_FOUND)
                .exitCode());
        assertThat(rm.out()).isEqualTo(registryHost + "/cli/app:v1\n");
        assertThat(rm.stderr()).startsWith("stowage: not_found: image nothing");
        assertThat(cli.run("--address", address(), "images", "ls", "-q").out()).isEmpty();
    }

    @Test
    void pullWithJsonPrintsOneEventPerLineAndThePushGoesBackUnderAnotherName() {
        CliRunner.Result pull = cli.run("--address", address(), "pull", "--plain-http", "--json", "--concurrency", "1",
                registryHost + "/cli/app:v1");
        assertThat(pull.exit()).as(pull.toString()).isZero();
        List<String> lines = pull.out().lines().toList();
        assertThat(lines).allSatisfy(l -> assertThat(l).startsWith("{\"").endsWith("}"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"state\":\"done\""));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("{\"event\":\"pulled\",\"name\":\"" + registryHost
                + "/cli/app:v1\",\"digest\":\"" + pushedRoot.digest() + "\"}");

        CliRunner.Result push = cli.run("--address", address(), "push", "--plain-http", "-q",
                registryHost + "/cli/copy:v2", "--from", registryHost + "/cli/app:v1");
        assertThat(push.exit()).as(push.toString()).isNotZero();
        assertThat(push.stderr()).as("the index lists a platform that was not pulled").contains("not in the store");

        CliRunner.Result all = cli.run("--address", address(), "pull", "--plain-http", "-q", "--all-platforms",
                registryHost + "/cli/app:v1");
        assertThat(all.exit()).as(all.toString()).isZero();
        CliRunner.Result again = cli.run("--address", address(), "push", "--plain-http", "-q",
                registryHost + "/cli/copy:v2", "--from", registryHost + "/cli/app:v1");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo(registryHost + "/cli/copy:v2 " + pushedRoot.digest() + "\n");
    }

    @Test
    void aPlatformTheIndexLacksIsNotFoundAndABadReferenceIsInvalid() {
        CliRunner.Result pull = cli.run("--address", address(), "pull", "--plain-http", "--platform", "plan9/mips",
                registryHost + "/cli/app:v1");
        assertThat(pull.exit()).isEqualTo(4);
        assertThat(pull.stderr()).contains("no manifest for platform plan9/mips");

        CliRunner.Result bad = cli.run("--address", address(), "pull", "Not/A:Valid:Ref");
        assertThat(bad.exit()).isEqualTo(3);
        assertThat(bad.stderr()).startsWith("stowage: invalid_argument: reference");
    }
}
