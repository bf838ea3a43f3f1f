package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** skopeo copies a multi-layer OCI image into the registry and back out, bit for bit. */
class SkopeoCopyTest extends RegistryTestBase {
    @Test
    void copyInAndOutKeepsEveryBlobAndTheManifestDigest() throws Exception {
        Path skopeo = ExternalTool.require("skopeo");
        Path work = Files.createDirectories(root.resolve("work"));
        OciLayout image = OciLayout.write(work.resolve("src"), "v1", 7, 3 << 20, 1 << 20, 200_000, 5 << 20);
        String ref = "docker://" + hostPort() + "/stowage/test-image:v1";

        ExternalTool.check(work, 300, List.of(skopeo.toString(), "--insecure-policy", "copy",
                "--dest-tls-verify=false", "oci:" + image.dir() + ":v1", ref));

        // what landed: ordinary content of the store, tagged in the repository
        for (Map.Entry<Digest, byte[]> b : image.blobs().entrySet()) {
            Info info = store.info(b.getKey()).block(T);
            assertThat(info.size()).isEqualTo(b.getValue().length);
        }
        Resp manifest = call(HttpMethod.GET, "/v2/stowage/test-image/manifests/v1");
        assertThat(manifest.body()).isEqualTo(image.manifest());
        assertThat(manifest.header("Docker-Content-Digest")).isEqualTo(image.manifestDigest().toString());
        assertThat(store.listStatuses().collectList().block(T)).as("no upload left behind").isEmpty();

        Path out = work.resolve("dst");
        ExternalTool.check(work, 300, List.of(skopeo.toString(), "--insecure-policy", "copy",
                "--src-tls-verify=false", ref, "oci:" + out + ":v1"));

        assertThat(OciLayout.taggedManifest(out, "v1")).isEqualTo(image.manifestDigest());
        assertThat(OciLayout.readBlob(out, image.manifestDigest())).isEqualTo(image.manifest());
        for (Map.Entry<Digest, byte[]> b : image.blobs().entrySet()) {
            assertThat(OciLayout.readBlob(out, b.getKey())).as(b.getKey().toString()).isEqualTo(b.getValue());
        }

        String tags = ExternalTool.check(work, 60, List.of(skopeo.toString(), "list-tags", "--tls-verify=false",
                "docker://" + hostPort() + "/stowage/test-image"));
        assertThat(RegistryJson.mapper().readTree(tags).path("Tags").toString()).isEqualTo("[\"v1\"]");
    }
}
