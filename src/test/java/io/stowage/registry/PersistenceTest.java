package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Everything the registry knows survives a restart: a new server and store on the same root. */
class PersistenceTest extends RegistryTestBase {
    @Test
    void tagsManifestsLinksReferrersAndUploadsSurviveARestart() {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = random(50_000, 6);
        String json = manifestJson("lib/app", config, List.of(layer), Map.of());
        Digest manifest = Digest.sha256(json.getBytes(StandardCharsets.UTF_8));
        putManifest("lib/app", "v1", json, MediaTypes.OCI_MANIFEST);
        String referrer = manifestJson("lib/app", config, List.of(layer), Map.of("subject",
                descriptor(MediaTypes.OCI_MANIFEST, manifest, json.length()), "artifactType", "application/x"));
        putManifest("lib/app", "sig", referrer, MediaTypes.OCI_MANIFEST);
        Resp session = call(HttpMethod.POST, "/v2/lib/app/blobs/uploads/");
        String location = session.header("Location");
        byte[] upload = random(30_000, 7);
        call(HttpMethod.PATCH, location, Arrays.copyOf(upload, 10_000), Map.of("Content-Range", "0-9999"));

        restart();

        assertThat(call(HttpMethod.GET, "/v2/lib/app/tags/list").json().path("tags").toString())
                .isEqualTo("[\"sig\",\"v1\"]");
        Resp get = call(HttpMethod.GET, "/v2/lib/app/manifests/v1");
        assertThat(get.text()).isEqualTo(json);
        assertThat(get.header("Content-Type")).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(call(HttpMethod.GET, "/v2/lib/app/blobs/" + Digest.sha256(layer)).body()).isEqualTo(layer);
        assertThat(call(HttpMethod.GET, "/v2/lib/app/referrers/" + manifest).json().path("manifests")).hasSize(1);

        Resp status = call(HttpMethod.GET, location);
        assertThat(status.status()).isEqualTo(204);
        assertThat(status.header("Range")).isEqualTo("0-9999");
        call(HttpMethod.PATCH, location, Arrays.copyOfRange(upload, 10_000, upload.length),
                Map.of("Content-Range", "10000-29999"));
        Digest d = Digest.sha256(upload);
        assertThat(call(HttpMethod.PUT, location + "?digest=" + d).status()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/v2/lib/app/blobs/" + d).body()).isEqualTo(upload);
    }
}
