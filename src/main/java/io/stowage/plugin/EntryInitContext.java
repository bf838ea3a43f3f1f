package io.stowage.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The {@link InitContext} of one plugin's init; dependency lookups are limited to its declared requirements. */
final class EntryInitContext implements InitContext {
    private static final ObjectMapper BINDER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final PluginEntry entry;
    private final Path root;
    private final ObjectNode config;
    private final Map<String, List<PluginEntry>> byType;
    private final Supplier<List<PluginInfo>> plugins;

    EntryInitContext(PluginEntry entry, Path root, ObjectNode config, Map<String, List<PluginEntry>> byType,
                     Supplier<List<PluginInfo>> plugins) {
        this.entry = entry;
        this.root = root;
        this.config = config;
        this.byType = byType;
        this.plugins = plugins;
    }

    @Override
    public String type() {
        return entry.type;
    }

    @Override
    public String id() {
        return entry.id;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public ObjectNode config() {
        return config.deepCopy();
    }

    @Override
    public <T> T config(Class<T> type) {
        try {
            return BINDER.treeToValue(config, type);
        } catch (JsonProcessingException e) {
            throw new PluginException("config plugins." + entry.type + "." + entry.id + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    @Override
    public List<Object> instances(String type) {
        if (!entry.requires.contains(type)) {
            throw new IllegalStateException("plugin " + entry.name() + " asked for type " + type
                    + " without declaring it in requires() " + entry.requires);
        }
        return byType.getOrDefault(type, List.of()).stream()
                .filter(e -> e.status() == PluginInfo.Status.OK)
                .map(PluginEntry::instance)
                .toList();
    }

    @Override
    public <T> T instance(String type, Class<T> cls) {
        List<Object> all = instances(type);
        if (all.size() != 1) {
            String names = byType.getOrDefault(type, List.of()).stream()
                    .filter(e -> e.status() == PluginInfo.Status.OK)
                    .map(PluginEntry::name)
                    .collect(Collectors.joining(", "));
            throw new PluginException("plugin " + entry.name() + " needs one " + type + " plugin, but " + all.size()
                    + " initialised (" + names + "); disable all but one");
        }
        Object one = all.get(0);
        if (!cls.isInstance(one)) {
            throw new PluginException("plugin " + entry.name() + " needs a " + cls.getName() + " of type " + type
                    + ", got " + one.getClass().getName());
        }
        return cls.cast(one);
    }

    @Override
    public Supplier<List<PluginInfo>> plugins() {
        return plugins;
    }
}
