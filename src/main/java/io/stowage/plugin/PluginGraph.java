package io.stowage.plugin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Orders plugins so that every plugin comes after all plugins of the types it requires (a depth-first topological
 * sort, visiting plugins by type then id so the order is the same on every run). Undecided plugins that sit on a
 * dependency cycle are marked {@code error} with the cycle spelled out; decided ones (disabled, duplicate) take no
 * part in cycles but keep their place in the order.
 */
final class PluginGraph {
    private final Map<String, List<PluginEntry>> byType;
    private final Set<PluginEntry> visiting = new HashSet<>();
    private final Set<PluginEntry> done = new HashSet<>();
    private final List<PluginEntry> path = new ArrayList<>();
    private final List<PluginEntry> order = new ArrayList<>();

    private PluginGraph(List<PluginEntry> sorted) {
        this.byType = sorted.stream().collect(Collectors.groupingBy(e -> e.type, HashMap::new, Collectors.toList()));
    }

    /** All entries, each after the plugins it requires; entries on a cycle are marked {@code error}. */
    static List<PluginEntry> order(List<PluginEntry> entries) {
        List<PluginEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing((PluginEntry e) -> e.type).thenComparing(e -> e.id));
        PluginGraph g = new PluginGraph(sorted);
        for (PluginEntry e : sorted) {
            g.visit(e);
        }
        return g.order;
    }

    private void visit(PluginEntry e) {
        if (done.contains(e)) {
            return;
        }
        visiting.add(e);
        path.add(e);
        if (!e.decided()) {
            for (String type : e.requires) {
                for (PluginEntry dep : byType.getOrDefault(type, List.of())) {
                    if (visiting.contains(dep)) {
                        markCycle(dep);
                    } else {
                        visit(dep);
                    }
                }
            }
        }
        path.remove(path.size() - 1);
        visiting.remove(e);
        done.add(e);
        order.add(e);
    }

    private void markCycle(PluginEntry back) {
        List<PluginEntry> cycle = path.subList(path.indexOf(back), path.size());
        String spelled = cycle.stream().map(PluginEntry::name).collect(Collectors.joining(" -> "))
                + " -> " + back.name();
        for (PluginEntry c : cycle) {
            if (!c.decided()) {
                c.fail(PluginInfo.Status.ERROR, "dependency cycle: " + spelled);
            }
        }
    }
}
