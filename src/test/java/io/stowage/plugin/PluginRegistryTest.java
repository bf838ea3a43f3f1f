package io.stowage.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.stowage.content.ContentException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {
    @TempDir
    Path root;

    private StowageConfig config() {
        return StowageConfig.empty().withRoot(root);
    }

    private PluginRegistry init(StowageConfig config, Plugin... plugins) {
        return PluginRegistry.init(List.of(plugins), config);
    }

    private static List<String> names(PluginRegistry r) {
        return r.plugins().stream().map(PluginInfo::name).toList();
    }

    @Test
    void initialisesInDependencyOrderWhateverTheRegistrationOrder() {
        List<String> initOrder = new ArrayList<>();
        FakePlugin.Init record = ctx -> {
            initOrder.add(ctx.type() + "/" + ctx.id());
            return new Object();
        };
        try (PluginRegistry r = init(config(),
                FakePlugin.of("service/a", record, "content", "metadata"),
                FakePlugin.of("metadata/db", record, "content"),
                FakePlugin.of("content/local", record),
                FakePlugin.of("gc/scheduler", record, "service"))) {
            assertThat(initOrder).containsExactly("content/local", "metadata/db", "service/a", "gc/scheduler");
            assertThat(names(r)).containsExactlyElementsOf(initOrder);
            assertThat(r.plugins()).extracting(PluginInfo::status).containsOnly(PluginInfo.Status.OK);
        }
    }

    @Test
    void dependenciesAreReachableByType() {
        try (PluginRegistry r = init(config(),
                FakePlugin.of("content/a"),
                FakePlugin.of("content/b"),
                FakePlugin.of("service/all", ctx -> ctx.instances("content"), "content"),
                FakePlugin.of("service/one", ctx -> ctx.instance("content", String.class), "content"))) {
            assertThat(r.instance("service", "all")).contains(List.of("content/a", "content/b"));
            assertThat(r.plugins()).filteredOn(i -> i.name().equals("service/one")).singleElement()
                    .satisfies(i -> {
                        assertThat(i.status()).isEqualTo(PluginInfo.Status.ERROR);
                        assertThat(i.error()).contains("needs one content plugin, but 2 initialised")
                                .contains("content/a, content/b");
                    });
        }
    }

    @Test
    void aDependencyNotDeclaredInRequiresIsRefused() {
        try (PluginRegistry r = init(config(),
                FakePlugin.of("content/a"),
                FakePlugin.of("service/sneaky", ctx -> ctx.instances("content")))) {
            assertThat(r.plugins()).filteredOn(i -> i.id().equals("sneaky")).singleElement()
                    .satisfies(i -> assertThat(i.error()).contains("without declaring it in requires()"));
        }
    }

    @Test
    void aCycleIsAnErrorNamingItAndItsDependentsAreSkipped() {
        try (PluginRegistry r = init(config(),
                FakePlugin.of("a/x", "b"),
                FakePlugin.of("b/y", "c"),
                FakePlugin.of("c/z", "a"),
                FakePlugin.of("d/w", "c"),
                FakePlugin.of("e/free"))) {
            assertThat(r.plugins()).extracting(PluginInfo::name, PluginInfo::status, PluginInfo::error)
                    .contains(
                            tuple("a/x", PluginInfo.Status.ERROR, "dependency cycle: a/x -> b/y -> c/z -> a/x"),
                            tuple("b/y", PluginInfo.Status.ERROR, "dependency cycle: a/x -> b/y -> c/z -> a/x"),
                            tuple("c/z", PluginInfo.Status.ERROR, "dependency cycle: a/x -> b/y -> c/z -> a/x"),
                            tuple("d/w", PluginInfo.Status.SKIPPED,
                                    "requires c, but none of its plugins initialised (c/z error)"),
                            tuple("e/free", PluginInfo.Status.OK, null));
        }
    }

    @Test
    void requiringItsOwnTypeIsACycle() {
        try (PluginRegistry r = init(config(), FakePlugin.of("service/self", "service"))) {
            assertThat(r.plugins()).singleElement().satisfies(i -> {
                assertThat(i.status()).isEqualTo(PluginInfo.Status.ERROR);
                assertThat(i.error()).isEqualTo("dependency cycle: service/self -> service/self");
            });
        }
    }

    @Test
    void disabledPluginsAreSkippedAndSoAreThoseThatNeedThem() {
        StowageConfig cfg = config().withDisabled("content", "local", true);
        try (PluginRegistry r = init(cfg,
                FakePlugin.of("content/local", ctx -> {
                    throw new AssertionError("a disabled plugin must not be initialised");
                }),
                FakePlugin.of("service/content", "content"))) {
            assertThat(r.plugins()).extracting(PluginInfo::name, PluginInfo::status, PluginInfo::error)
                    .containsExactly(
                            tuple("content/local", PluginInfo.Status.SKIPPED, "disabled in config"),
                            tuple("service/content", PluginInfo.Status.SKIPPED,
                                    "requires content, but none of its plugins initialised (content/local skipped)"));
            assertThat(r.instances("service")).isEmpty();
        }
    }

    @Test
    void aFailedRequirementSkipsDependentsButAnotherProviderOfTheTypeIsEnough() {
        try (PluginRegistry r = init(config(),
                FakePlugin.of("content/broken", ctx -> {
                    throw ContentException.internal("disk on fire", null);
                }),
                FakePlugin.of("metadata/broken", ctx -> {
                    throw new IllegalStateException("no database");
                }),
                FakePlugin.of("content/fine"),
                FakePlugin.of("service/content", "content"),
                FakePlugin.of("service/metadata", "metadata"))) {
            assertThat(r.plugins()).extracting(PluginInfo::name, PluginInfo::status, PluginInfo::error)
                    .contains(
                            tuple("content/broken", PluginInfo.Status.ERROR, "internal: disk on fire"),
                            tuple("content/fine", PluginInfo.Status.OK, null),
                            tuple("service/content", PluginInfo.Status.OK, null),
                            tuple("metadata/broken", PluginInfo.Status.ERROR, "no database"),
                            tuple("service/metadata", PluginInfo.Status.SKIPPED,
                                    "requires metadata, but none of its plugins initialised (metadata/broken error)"));
        }
    }

    @Test
    void aMissingRequirementSkips() {
        try (PluginRegistry r = init(config(), FakePlugin.of("service/content", "content"))) {
            assertThat(r.plugins()).singleElement().satisfies(i -> {
                assertThat(i.status()).isEqualTo(PluginInfo.Status.SKIPPED);
                assertThat(i.error()).isEqualTo("requires content, but no plugin of that type is registered");
            });
        }
    }

    @Test
    void aPluginMaySkipItselfAndNullIsAnError() {
        try (PluginRegistry r = init(config(),
                FakePlugin.of("content/elsewhere", ctx -> {
                    throw new PluginSkippedException("only on Tuesdays");
                }),
                FakePlugin.of("content/nothing", ctx -> null))) {
            assertThat(r.plugins()).extracting(PluginInfo::name, PluginInfo::status, PluginInfo::error)
                    .containsExactly(
                            tuple("content/elsewhere", PluginInfo.Status.SKIPPED, "only on Tuesdays"),
                            tuple("content/nothing", PluginInfo.Status.ERROR, "init returned no instance"));
        }
    }

    @Test
    void duplicateAndInvalidNamesAreErrors() {
        try (PluginRegistry r = init(config(),
                FakePlugin.of("content/local"),
                FakePlugin.of("content/local"),
                FakePlugin.of("content/with/slash"),
                new FakePlugin("", "x", List.of(), ctx -> "x"))) {
            assertThat(r.plugins()).extracting(PluginInfo::name, PluginInfo::status)
                    .containsExactlyInAnyOrder(
                            tuple("content/local", PluginInfo.Status.OK),
                            tuple("content/local", PluginInfo.Status.ERROR),
                            tuple("content/with/slash", PluginInfo.Status.ERROR),
                            tuple("/x", PluginInfo.Status.ERROR));
            assertThat(r.instances("content")).containsExactly("content/local");
        }
    }

    @Test
    void closesInstancesInReverseInitialisationOrderOnce() {
        List<String> closed = new CopyOnWriteArrayList<>();
        FakePlugin.Init closeable = ctx -> (AutoCloseable) () -> closed.add(ctx.type() + "/" + ctx.id());
        PluginRegistry r = init(config(),
                FakePlugin.of("service/s", closeable, "content"),
                FakePlugin.of("content/c", closeable),
                FakePlugin.of("service/failing-close", ctx -> (AutoCloseable) () -> {
                    throw new IllegalStateException("close failed");
                }, "content"));
        r.close();
        r.close();
        assertThat(closed).containsExactly("service/s", "content/c");
    }

    @Test
    void aRequiredPluginThatFailsFailsTheRegistryAfterClosingTheOthers() {
        List<String> closed = new CopyOnWriteArrayList<>();
        StowageConfig cfg = StowageConfig.parse("requiredPlugins: [content/local]", "test.yaml").withRoot(root);
        assertThatThrownBy(() -> init(cfg,
                FakePlugin.of("other/ok", ctx -> (AutoCloseable) () -> closed.add("other/ok")),
                FakePlugin.of("content/local", ctx -> {
                    throw new IllegalStateException("cannot open " + ctx.root());
                })))
                .isInstanceOf(PluginException.class)
                .hasMessage("required plugins did not initialise: content/local (error: cannot open " + root + ")");
        assertThat(closed).containsExactly("other/ok");
    }

    @Test
    void pluginsGetTheirConfigSectionRawAndTyped() {
        record LocalConfig(String path, Integer chunkSize) {
        }
        StowageConfig cfg = StowageConfig.parse("""
                plugins:
                  content:
                    local:
                      path: blobs
                      chunkSize: 65536
                    typo:
                      pth: blobs
                """, "test.yaml").withRoot(root);
        try (PluginRegistry r = init(cfg,
                FakePlugin.of("content/local", ctx -> ctx.config(LocalConfig.class)),
                FakePlugin.of("content/raw", ctx -> ctx.config()),
                FakePlugin.of("content/typo", ctx -> ctx.config(LocalConfig.class)))) {
            assertThat(r.instance("content", "local")).contains(new LocalConfig("blobs", 65536));
            assertThat(r.instance("content", "raw")).contains(JsonNodeFactory.instance.objectNode());
            assertThat(r.plugins()).filteredOn(i -> i.id().equals("typo")).singleElement()
                    .satisfies(i -> assertThat(i.error()).startsWith("config plugins.content.typo: ")
                            .contains("pth"));
        }
    }

    @Test
    void theStatusSupplierIsLive() {
        try (PluginRegistry r = init(config(),
                FakePlugin.of("service/plugins", InitContext::plugins),
                FakePlugin.of("x/after", "service"))) {
            @SuppressWarnings("unchecked")
            var supplier = (java.util.function.Supplier<List<PluginInfo>>) r.instance("service", "plugins")
                    .orElseThrow();
            assertThat(supplier.get()).extracting(PluginInfo::name).containsExactly("service/plugins", "x/after");
        }
    }

    @Test
    void theBuiltInPluginsAreFoundWithServiceLoader() {
        assertThat(PluginRegistry.discover()).extracting(p -> p.type() + "/" + p.id())
                .contains("content/local", "service/content", "service/plugins");
    }

    @Test
    void theRootIsRequiredAndMadeAbsolute() {
        assertThatThrownBy(() -> init(StowageConfig.empty(), FakePlugin.of("a/b")))
                .isInstanceOf(IllegalArgumentException.class);
        try (PluginRegistry r = init(StowageConfig.empty().withRoot(Path.of("rel")),
                FakePlugin.of("a/b", InitContext::root))) {
            assertThat(r.instance("a", "b")).contains(Path.of("rel").toAbsolutePath());
        }
    }
}
