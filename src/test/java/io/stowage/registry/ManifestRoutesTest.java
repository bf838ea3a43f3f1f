package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Manifest push, pull and delete by tag and by digest. */
class ManifestRoutesTest extends RegistryTestBase {
    private final byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    private final byte[] layer1 = random(10_000, 3);
    private final byte[] layer2 = random(20_000, 4);

    private String manifest(String name) {
        return manifestJson(name, config, List.of(layer1, layer2), Map.of());
    }

    private static Digest digestOf(String json) {
        return Digest.sha256(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pushByTagThenPullByTagAndDigest() {
        String json = manifest("lib/app");
        Digest d = digestOf(json);
        Resp put = putManifest("lib/app", "v1", json, MediaTypes.OCI_MANIFEST);
        assertThat(put.status()).as(put.text()).isEqualTo(201);
        assertThat(put.header("Location")).isEqualTo("/v2/lib/app/manifests/" + d);
        assertThat(put.header("Docker-Content-Digest")).isEqualTo(d.toString());
        assertThat(put.header("OCI-Subject")).isNull();

        for (String ref : List.of("v1", d.toString())) {
            Resp get = call(HttpMethod.GET, "/v2/lib/app/manifests/" + ref, null,
                    Map.of("Accept", MediaTypes.OCI_MANIFEST + ", " + MediaTypes.OCI_INDEX));
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.text()).isEqualTo(json);
            assertThat(get.header("Content-Type")).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(get.header("Docker-Content-Digest")).isEqualTo(d.toString());
            Resp head = call(HttpMethod.HEAD, "/v2/lib/app/manifests/" + ref);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(json.length()));
            assertThat(head.header("Docker-Content-Digest")).isEqualTo(d.toString());
            assertThat(head.header("Content-Type")).isEqualTo(MediaTypes.OCI_MANIFEST);
        }
        // ordinary content of the store, and a blob of the repository
        assertThat(store.info(d).block(T).size()).isEqualTo(json.length());
        assertThat(call(HttpMethod.GET, "/v2/lib/app/blobs/" + d).text()).isEqualTo(json);
    }

    @Test
    void pushByDigest() {
        String json = manifest("app");
        Digest d = digestOf(json);
        assertThat(putManifest("app", d.toString(), json, MediaTypes.OCI_MANIFEST).status()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/v2/app/manifests/" + d).text()).isEqualTo(json);
        assertError(call(HttpMethod.GET, "/v2/app/manifests/latest"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void aDigestThatDoesNotMatchTheBodyIsDigestInvalid() {
        String json = manifest("app");
        Resp r = putManifest("app", Digest.sha256(new byte[1]).toString(), json, MediaTypes.OCI_MANIFEST);
        assertError(r, 400, "DIGEST_INVALID");
        assertError(putManifest("app", "sha256:0123", json, MediaTypes.OCI_MANIFEST), 400, "DIGEST_INVALID");
    }

    @Test
    void everyMissingBlobIsManifestBlobUnknown() {
        String json = manifestJson("app", config, List.of(layer1), Map.of());
        // pushed to another repository: not linked here
        Resp r = putManifest("other", "v1", json, MediaTypes.OCI_MANIFEST);
        assertError(r, 400, "MANIFEST_BLOB_UNKNOWN");
        assertThat(r.json().path("errors")).hasSize(2);
        assertThat(r.json().path("errors").path(1).path("detail").path("digest").asText())
                .isEqualTo(Digest.sha256(layer1).toString());
        assertError(call(HttpMethod.GET, "/v2/other/manifests/v1"), 404, "NAME_UNKNOWN");
    }

    @Test
    void aBlobDeletedFromTheStoreIsMissingToo() {
        String json = manifest("app");
        store.delete(Digest.sha256(layer2)).block(T);
        Resp r = putManifest("app", "v1", json, MediaTypes.OCI_MANIFEST);
        assertError(r, 400, "MANIFEST_BLOB_UNKNOWN");
        assertThat(r.json().path("errors")).hasSize(1);
    }

    @Test
    void aDescriptorSizeThatDiffersFromTheBlobIsInvalid() {
        Digest c = pushBlob("app", config);
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + c + "\",\"size\":1},"
                + "\"layers\":[]}";
        assertError(putManifest("app", "v1", json, MediaTypes.OCI_MANIFEST), 400, "MANIFEST_INVALID");
    }

    @Test
    void foreignLayersNeedNotBePresent() {
        Digest c = pushBlob("app", config);
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"config\":"
                + "{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" + c
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip\",\"digest\":\""
                + Digest.sha256(new byte[] {9}) + "\",\"size\":1,\"urls\":[\"https://example.com/layer\"]}]}";
        Resp r = putManifest("app", "win", json, MediaTypes.DOCKER_MANIFEST);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/v2/app/manifests/win").header("Content-Type"))
                .isEqualTo(MediaTypes.DOCKER_MANIFEST);
    }

    @Test
    void badDocumentsAreManifestInvalid() {
        assertError(putManifest("app", "v1", "{not json", MediaTypes.OCI_MANIFEST), 400, "MANIFEST_INVALID");
        assertError(putManifest("app", "v1", "[]", MediaTypes.OCI_MANIFEST), 400, "MANIFEST_INVALID");
        assertError(putManifest("app", "v1", "", MediaTypes.OCI_MANIFEST), 400, "MANIFEST_INVALID");
        assertError(putManifest("app", "v1", "{\"schemaVersion\":1,\"config\":{}}", null), 400, "MANIFEST_INVALID");
        assertError(putManifest("app", "v1", "{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}", null), 400,
                "MANIFEST_INVALID");
        assertError(putManifest("app", "v1", "{\"schemaVersion\":2}", MediaTypes.OCI_MANIFEST), 400,
                "MANIFEST_INVALID");
        assertError(putManifest("app", "v1", "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":"
                + "\"sha256:12\",\"size\":1},\"layers\":[]}", MediaTypes.OCI_MANIFEST), 400, "MANIFEST_INVALID");
        assertError(putManifest("app", "v1", "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":"
                + "\"" + Digest.sha256(new byte[0]) + "\",\"size\":-1}]}", MediaTypes.OCI_INDEX), 400,
                "MANIFEST_INVALID");
        // the Content-Type contradicts the mediaType field
        assertError(putManifest("app", "v1", manifest("app"), MediaTypes.OCI_INDEX), 400, "MANIFEST_INVALID");
        // schema 1
        assertError(putManifest("app", "v1", "{\"schemaVersion\":1,\"name\":\"app\",\"tag\":\"v1\",\"fsLayers\":[]}",
                "application/vnd.docker.distribution.manifest.v1+prettyjws"), 400, "MANIFEST_INVALID");
    }

    @Test
    void aManifestWithoutMediaTypeTakesTheContentTypeOrItsShape() {
        String withField = manifest("app");
        String without = withField.replace("\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",", "");
        assertThat(putManifest("app", "bare", without, null).status()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/v2/app/manifests/bare").header("Content-Type"))
                .isEqualTo(MediaTypes.OCI_MANIFEST);
    }

    @Test
    void tooLargeIs413() {
        String big = "{\"schemaVersion\":2,\"annotations\":{\"x\":\"" + "y".repeat(RegistryOptions.DEFAULT_MAX_MANIFEST_BYTES)
                + "\"}}";
        assertError(putManifest("app", "v1", big, MediaTypes.OCI_MANIFEST), 413, "SIZE_INVALID");
    }

    @Test
    void indexesNeedTheirManifestsInTheRepository() {
        String child = manifest("app");
        Digest childDigest = digestOf(child);
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{"
                + "\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + childDigest + "\",\"size\":"
                + child.length() + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
        assertError(putManifest("app", "multi", index, MediaTypes.OCI_INDEX), 400, "MANIFEST_BLOB_UNKNOWN");
        assertThat(putManifest("app", childDigest.toString(), child, MediaTypes.OCI_MANIFEST).status()).isEqualTo(201);
        assertThat(putManifest("app", "multi", index, MediaTypes.OCI_INDEX).status()).isEqualTo(201);
        Resp get = call(HttpMethod.GET, "/v2/app/manifests/multi");
        assertThat(get.header("Content-Type")).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(get.text()).isEqualTo(index);
    }

    @Test
    void dockerSchema2TypesAreStoredWithTheirMediaType() {
        Digest c = pushBlob("app", config);
        Digest l = pushBlob("app", layer1);
        String m = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"config\":{"
                + "\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" + c + "\",\"size\":"
                + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
                + "\"digest\":\"" + l + "\",\"size\":" + layer1.length + "}]}";
        assertThat(putManifest("app", "docker", m, MediaTypes.DOCKER_MANIFEST).status()).isEqualTo(201);
        String list = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST_LIST + "\",\"manifests\":[{"
                + "\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"digest\":\"" + digestOf(m) + "\",\"size\":"
                + m.length() + "}]}";
        assertThat(putManifest("app", "list", list, MediaTypes.DOCKER_MANIFEST_LIST).status()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/v2/app/manifests/docker").header("Content-Type"))
                .isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(call(HttpMethod.HEAD, "/v2/app/manifests/list").header("Content-Type"))
                .isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
    }

    @Test
    void retaggingMovesTheTag() {
        String a = manifest("app");
        String b = manifestJson("app", config, List.of(layer2), Map.of());
        putManifest("app", "latest", a, MediaTypes.OCI_MANIFEST);
        putManifest("app", "latest", b, MediaTypes.OCI_MANIFEST);
        assertThat(call(HttpMethod.GET, "/v2/app/manifests/latest").text()).isEqualTo(b);
        assertThat(call(HttpMethod.GET, "/v2/app/manifests/" + digestOf(a)).text()).isEqualTo(a);
    }

    @Test
    void badReferencesAndUnknownManifests() {
        assertError(call(HttpMethod.GET, "/v2/app/manifests/-bad"), 400, "TAG_INVALID");
        assertError(call(HttpMethod.GET, "/v2/app/manifests/" + "t".repeat(129)), 400, "TAG_INVALID");
        assertError(call(HttpMethod.GET, "/v2/app/manifests/sha256:nothex"), 400, "DIGEST_INVALID");
        assertError(call(HttpMethod.GET, "/v2/nope/manifests/latest"), 404, "NAME_UNKNOWN");
        putManifest("app", "v1", manifest("app"), MediaTypes.OCI_MANIFEST);
        assertError(call(HttpMethod.GET, "/v2/app/manifests/v2"), 404, "MANIFEST_UNKNOWN");
        assertThat(call(HttpMethod.HEAD, "/v2/app/manifests/v2").status()).isEqualTo(404);
        assertError(call(HttpMethod.GET, "/v2/app/manifests/" + Digest.sha256(new byte[3])), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void deleteATagKeepsTheManifest() {
        String json = manifest("app");
        Digest d = digestOf(json);
        putManifest("app", "v1", json, MediaTypes.OCI_MANIFEST);
        putManifest("app", "v2", json, MediaTypes.OCI_MANIFEST);
        assertThat(call(HttpMethod.DELETE, "/v2/app/manifests/v1").status()).isEqualTo(202);
        assertError(call(HttpMethod.GET, "/v2/app/manifests/v1"), 404, "MANIFEST_UNKNOWN");
        assertThat(call(HttpMethod.GET, "/v2/app/manifests/v2").status()).isEqualTo(200);
        assertThat(call(HttpMethod.GET, "/v2/app/manifests/" + d).status()).isEqualTo(200);
        assertError(call(HttpMethod.DELETE, "/v2/app/manifests/v1"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void deleteADigestRemovesItsTags() {
        String json = manifest("app");
        Digest d = digestOf(json);
        putManifest("app", "v1", json, MediaTypes.OCI_MANIFEST);
        assertThat(call(HttpMethod.DELETE, "/v2/app/manifests/" + d).status()).isEqualTo(202);
        assertError(call(HttpMethod.GET, "/v2/app/manifests/" + d), 404, "MANIFEST_UNKNOWN");
        assertError(call(HttpMethod.GET, "/v2/app/manifests/v1"), 404, "MANIFEST_UNKNOWN");
        assertThat(call(HttpMethod.GET, "/v2/app/tags/list").json().path("tags")).isEmpty();
        assertError(call(HttpMethod.DELETE, "/v2/app/manifests/" + d), 404, "MANIFEST_UNKNOWN");
        assertError(call(HttpMethod.DELETE, "/v2/nope/manifests/" + d), 404, "NAME_UNKNOWN");
    }

    @Test
    void aManifestWithASubjectAnswersOciSubjectEvenWhenTheSubjectIsAbsent() {
        Digest subject = Digest.sha256("not pushed".getBytes(StandardCharsets.UTF_8));
        String json = manifestJson("app", config, List.of(layer1), Map.of("subject",
                descriptor(MediaTypes.OCI_MANIFEST, subject, 10)));
        Resp r = putManifest("app", digestOf(json).toString(), json, MediaTypes.OCI_MANIFEST);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.header("OCI-Subject")).isEqualTo(subject.toString());
    }
}
