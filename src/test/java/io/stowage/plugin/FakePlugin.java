package io.stowage.plugin;

import java.util.List;

/** A plugin for registry tests: its init is a lambda. */
record FakePlugin(String type, String id, List<String> requires, Init init) implements Plugin {
    interface Init {
        Object apply(InitContext ctx) throws Exception;
    }

    static FakePlugin of(String name, Init init, String... requires) {
        String[] parts = name.split("/", 2);
        return new FakePlugin(parts[0], parts[1], List.of(requires), init);
    }

    static FakePlugin of(String name, String... requires) {
        return of(name, ctx -> ctx.type() + "/" + ctx.id(), requires);
    }

    @Override
    public Object init(InitContext context) throws Exception {
        return init.apply(context);
    }
}
