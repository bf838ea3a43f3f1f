package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentStore;
import io.stowage.content.Info;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A store with blob files: GET sends the file itself (a file region), never going through {@code read}. */
class ZeroCopyTest extends ServerTestBase {
    @Override
    ContentStore servedStore() {
        return StoreWithoutFiles.filesOnly(store);
    }

    @Test
    void getSendsTheFileWithoutReadingThroughTheStore() {
        byte[] data = random(8 * 1024 * 1024 + 5, 12);
        Info info = commit("blob", data, Map.of());
        String uri = "/v1/content/" + info.digest();

        Resp r = call(HttpMethod.GET, uri);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(data);

        Resp range = call(HttpMethod.GET, uri, null, Map.of("Range", "bytes=5000000-"));
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(data, 5_000_000, data.length));
    }

    @Test
    void aBlobFileGoneAfterInfoIs404() throws Exception {
        Info info = commit("blob", random(100, 13), Map.of());
        java.nio.file.Path file = store.blobFile(info.digest());
        file.toFile().setWritable(true);
        java.nio.file.Files.delete(file);

        Resp r = call(HttpMethod.GET, "/v1/content/" + info.digest());
        // the metadata row may outlive the file: either way the answer is a clean 404
        assertThat(r.status()).isEqualTo(404);
    }
}
