package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tag listing with pagination, and the referrers API. */
class ListingRoutesTest extends RegistryTestBase {
    private final byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    private final byte[] layer = random(1000, 5);

    @Override
    RegistryOptions options() {
        return RegistryOptions.defaults().withMaxTagPage(4);
    }

    private String pushTags(String name, String... tags) {
        String json = manifestJson(name, config, List.of(layer), Map.of());
        for (String t : tags) {
            assertThat(putManifest(name, t, json, MediaTypes.OCI_MANIFEST).status()).isEqualTo(201);
        }
        return json;
    }

    private static List<String> tags(Resp r) {
        List<String> out = new ArrayList<>();
        r.json().path("tags").forEach(t -> out.add(t.asText()));
        return out;
    }

    @Test
    void tagsAreListedInByteOrder() {
        pushTags("lib/app", "b", "A", "a", "1.0", "_x");
        Resp r = call(HttpMethod.GET, "/v2/lib/app/tags/list?n=10");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("name").asText()).isEqualTo("lib/app");
        // n above the page size: the page size applies, and Link says there is more
        assertThat(tags(r)).containsExactly("1.0", "A", "_x", "a");
        assertThat(r.header("Link")).isEqualTo("</v2/lib/app/tags/list?n=4&last=a>; rel=\"next\"");
    }

    @Test
    void nAndLastPaginate() {
        pushTags("app", "t1", "t2", "t3", "t4", "t5");
        Resp first = call(HttpMethod.GET, "/v2/app/tags/list?n=2");
        assertThat(tags(first)).containsExactly("t1", "t2");
        assertThat(first.header("Link")).isEqualTo("</v2/app/tags/list?n=2&last=t2>; rel=\"next\"");
        Resp second = call(HttpMethod.GET, "/v2/app/tags/list?n=2&last=t2");
        assertThat(tags(second)).containsExactly("t3", "t4");
        Resp last = call(HttpMethod.GET, "/v2/app/tags/list?n=2&last=t4");
        assertThat(tags(last)).containsExactly("t5");
        assertThat(last.header("Link")).isNull();
        Resp exact = call(HttpMethod.GET, "/v2/app/tags/list?n=1&last=t4");
        assertThat(tags(exact)).containsExactly("t5");
        assertThat(exact.header("Link")).isNull();
        assertThat(tags(call(HttpMethod.GET, "/v2/app/tags/list?last=t3"))).containsExactly("t4", "t5");
        assertThat(tags(call(HttpMethod.GET, "/v2/app/tags/list?last=zzz"))).isEmpty();
    }

    @Test
    void nZeroIsAnEmptyListWithoutLink() {
        pushTags("app", "t1");
        Resp r = call(HttpMethod.GET, "/v2/app/tags/list?n=0");
        assertThat(r.status()).isEqualTo(200);
        assertThat(tags(r)).isEmpty();
        assertThat(r.header("Link")).isNull();
    }

    @Test
    void badNAndUnknownRepositories() {
        pushTags("app", "t1");
        assertError(call(HttpMethod.GET, "/v2/app/tags/list?n=-1"), 400, "PAGINATION_NUMBER_INVALID");
        assertError(call(HttpMethod.GET, "/v2/app/tags/list?n=x"), 400, "PAGINATION_NUMBER_INVALID");
        assertError(call(HttpMethod.GET, "/v2/nope/tags/list"), 404, "NAME_UNKNOWN");
    }

    @Test
    void aRepositoryWithBlobsButNoTagsListsNone() {
        pushBlob("app", layer);
        Resp r = call(HttpMethod.GET, "/v2/app/tags/list");
        assertThat(r.status()).isEqualTo(200);
        assertThat(tags(r)).isEmpty();
    }

    // ---- referrers

    private Digest pushReferrer(String name, Digest subject, String artifactType, Map<String, String> annotations) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("subject", descriptor(MediaTypes.OCI_MANIFEST, subject, 100));
        if (artifactType != null) {
            extra.put("artifactType", artifactType);
        }
        if (!annotations.isEmpty()) {
            extra.put("annotations", annotations);
        }
        String json = manifestJson(name, config, List.of(layer), extra);
        Digest d = Digest.sha256(json.getBytes(StandardCharsets.UTF_8));
        Resp r = putManifest(name, d.toString(), json, MediaTypes.OCI_MANIFEST);
        assertThat(r.header("OCI-Subject")).isEqualTo(subject.toString());
        return d;
    }

    @Test
    void referrersListManifestsWithThatSubject() {
        String image = pushTags("app", "v1");
        Digest subject = Digest.sha256(image.getBytes(StandardCharsets.UTF_8));
        Digest sbom = pushReferrer("app", subject, "application/vnd.example.sbom", Map.of("k", "v"));
        Digest sig = pushReferrer("app", subject, null, Map.of());
        pushReferrer("app", Digest.sha256(new byte[1]), "application/vnd.example.sbom", Map.of());

        Resp r = call(HttpMethod.GET, "/v2/app/referrers/" + subject);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(r.header("OCI-Filters-Applied")).isNull();
        JsonNode index = r.json();
        assertThat(index.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
        Map<String, JsonNode> byDigest = new LinkedHashMap<>();
        index.path("manifests").forEach(m -> byDigest.put(m.path("digest").asText(), m));
        assertThat(byDigest).containsOnlyKeys(sbom.toString(), sig.toString());
        JsonNode s = byDigest.get(sbom.toString());
        assertThat(s.path("artifactType").asText()).isEqualTo("application/vnd.example.sbom");
        assertThat(s.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(s.path("size").asLong()).isPositive();
        assertThat(s.path("annotations").path("k").asText()).isEqualTo("v");
        // no artifactType: the config's media type
        assertThat(byDigest.get(sig.toString()).path("artifactType").asText())
                .isEqualTo("application/vnd.oci.image.config.v1+json");
    }

    @Test
    void artifactTypeFilters() {
        Digest subject = Digest.sha256(new byte[7]);
        Digest sbom = pushReferrer("app", subject, "application/vnd.example.sbom", Map.of());
        pushReferrer("app", subject, "application/vnd.example.sig", Map.of());
        Resp r = call(HttpMethod.GET, "/v2/app/referrers/" + subject + "?artifactType=application%2Fvnd.example.sbom");
        assertThat(r.header("OCI-Filters-Applied")).isEqualTo("artifactType");
        assertThat(r.json().path("manifests")).hasSize(1);
        assertThat(r.json().path("manifests").path(0).path("digest").asText()).isEqualTo(sbom.toString());
    }

    @Test
    void noReferrersIsAnEmptyIndexNever404() {
        Resp r = call(HttpMethod.GET, "/v2/unknown/referrers/" + Digest.sha256(new byte[2]));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("manifests").isArray()).isTrue();
        assertThat(r.json().path("manifests")).isEmpty();
        assertError(call(HttpMethod.GET, "/v2/app/referrers/sha256:short"), 400, "DIGEST_INVALID");
        assertError(call(HttpMethod.GET, "/v2/App/referrers/" + Digest.sha256(new byte[2])), 400, "NAME_INVALID");
    }

    @Test
    void deletingAReferrerRemovesItFromTheList() {
        Digest subject = Digest.sha256(new byte[8]);
        Digest ref = pushReferrer("app", subject, "application/x", Map.of());
        assertThat(call(HttpMethod.DELETE, "/v2/app/manifests/" + ref).status()).isEqualTo(202);
        assertThat(call(HttpMethod.GET, "/v2/app/referrers/" + subject).json().path("manifests")).isEmpty();
    }

    @Test
    void anIndexReferrerWithoutArtifactTypeHasNone() {
        String child = pushTags("app", "child");
        Digest childDigest = Digest.sha256(child.getBytes(StandardCharsets.UTF_8));
        Digest subject = Digest.sha256(new byte[9]);
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{"
                + "\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + childDigest + "\",\"size\":"
                + child.length() + "}],\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\""
                + subject + "\",\"size\":1}}";
        Resp put = putManifest("app", "idx", index, MediaTypes.OCI_INDEX);
        assertThat(put.status()).as(put.text()).isEqualTo(201);
        JsonNode m = call(HttpMethod.GET, "/v2/app/referrers/" + subject).json().path("manifests").path(0);
        assertThat(m.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(m.has("artifactType")).isFalse();
    }
}
