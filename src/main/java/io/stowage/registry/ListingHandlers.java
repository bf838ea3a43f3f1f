package io.stowage.registry;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stowage.content.Digest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Content discovery: {@code GET /v2/<name>/tags/list[?n=N&last=T]} and {@code GET /v2/<name>/referrers/<digest>
 * [?artifactType=A]}.
 *
 * <p>Tags come in byte ("ASCIIbetical") order, after {@code last} when given; at most {@code n} (and at most the
 * configured page size), with {@code Link: <...?n=N&last=T>; rel="next"} when more follow; {@code n=0} gives an
 * empty list and no Link. An unknown repository is 404 NAME_UNKNOWN.
 *
 * <p>Referrers are the manifests of the repository whose {@code subject} is the digest, as an OCI image index of
 * descriptors carrying {@code artifactType} and annotations; always 200 (an empty index when there are none or
 * the repository is unknown). With {@code artifactType} only matching ones are listed and the answer carries
 * {@code OCI-Filters-Applied: artifactType}. All referrers fit one page.
 */
final class ListingHandlers {
    static final String FILTERS_APPLIED = "OCI-Filters-Applied";

    private final RegistryTables tables;
    private final RegistryOptions options;

    ListingHandlers(RegistryTables tables, RegistryOptions options) {
        this.tables = tables;
        this.options = options;
    }

    Mono<Void> tags(Exchange x, String name) {
        String nParam = x.target.param("n");
        String last = x.target.param("last");
        int n = options.maxTagPage();
        boolean explicitN = nParam != null && !nParam.isEmpty();
        if (explicitN) {
            long asked = parseCount(nParam);
            n = (int) Math.min(asked, options.maxTagPage());
        }
        int limit = n;
        return tables.tags(name, last == null || last.isEmpty() ? null : last, Math.max(limit, 1)).flatMap(page -> {
            if (page.isEmpty()) {
                return Mono.error(RegistryError.NAME_UNKNOWN.withDetail(Map.of("name", name)));
            }
            List<String> tags = limit == 0 ? List.of() : page.get().tags();
            Map<String, String> headers = new LinkedHashMap<>();
            if (limit > 0 && page.get().more()) {
                String next = "/v2/" + name + "/tags/list?n=" + limit + "&last="
                        + URLEncoder.encode(tags.get(tags.size() - 1), StandardCharsets.UTF_8);
                headers.put("Link", "<" + next + ">; rel=\"next\"");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("tags", tags);
            return x.json(HttpResponseStatus.OK, MediaTypes.JSON, body, headers);
        });
    }

    private static long parseCount(String s) {
        try {
            long v = Long.parseLong(s);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw RegistryError.PAGINATION_NUMBER_INVALID.withDetail("n=" + Names.shorten(s)
                + " is not a non-negative integer");
    }

    Mono<Void> referrers(Exchange x, String name, Digest subject) {
        String artifactType = x.target.param("artifactType");
        boolean filter = artifactType != null && !artifactType.isEmpty();
        return tables.referrers(name, subject).flatMap(records -> {
            List<Map<String, Object>> manifests = new ArrayList<>();
            for (ManifestRecord m : records) {
                if (filter && !artifactType.equals(m.artifactType())) {
                    continue;
                }
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("mediaType", m.mediaType());
                d.put("digest", m.digest().toString());
                d.put("size", m.size());
                if (m.artifactType() != null) {
                    d.put("artifactType", m.artifactType());
                }
                if (!m.annotations().isEmpty()) {
                    d.put("annotations", m.annotations());
                }
                manifests.add(d);
            }
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("schemaVersion", 2);
            index.put("mediaType", MediaTypes.OCI_INDEX);
            index.put("manifests", manifests);
            return x.json(HttpResponseStatus.OK, MediaTypes.OCI_INDEX, index,
                    filter ? Map.of(FILTERS_APPLIED, "artifactType") : Map.of());
        });
    }
}
