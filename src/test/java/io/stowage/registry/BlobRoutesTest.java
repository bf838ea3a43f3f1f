package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.Digest;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** GET, HEAD and DELETE of blobs. */
class BlobRoutesTest extends RegistryTestBase {
    private final byte[] data = random(300_000, 1);

    @Test
    void getAndHeadServeALinkedBlob() {
        Digest d = pushBlob("lib/app", data);
        Resp r = call(HttpMethod.GET, "/v2/lib/app/blobs/" + d);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(data);
        assertThat(r.header("Docker-Content-Digest")).isEqualTo(d.toString());
        assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(data.length));
        assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");

        Resp head = call(HttpMethod.HEAD, "/v2/lib/app/blobs/" + d);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(data.length));
        assertThat(head.header("Docker-Content-Digest")).isEqualTo(d.toString());
    }

    @Test
    void rangesGive206() {
        Digest d = pushBlob("app", data);
        Resp r = call(HttpMethod.GET, "/v2/app/blobs/" + d, null, Map.of("Range", "bytes=1000-1999"));
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(data, 1000, 2000));
        assertThat(r.header("Content-Range")).isEqualTo("bytes 1000-1999/" + data.length);

        Resp open = call(HttpMethod.GET, "/v2/app/blobs/" + d, null, Map.of("Range", "bytes=299990-"));
        assertThat(open.status()).isEqualTo(206);
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(data, 299_990, data.length));

        Resp suffix = call(HttpMethod.GET, "/v2/app/blobs/" + d, null, Map.of("Range", "bytes=-10"));
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(data, data.length - 10, data.length));

        Resp past = call(HttpMethod.GET, "/v2/app/blobs/" + d, null, Map.of("Range", "bytes=0-99999999"));
        assertThat(past.status()).isEqualTo(206);
        assertThat(past.body()).isEqualTo(data);

        Resp ignored = call(HttpMethod.GET, "/v2/app/blobs/" + d, null, Map.of("Range", "bytes=0-1,5-6"));
        assertThat(ignored.status()).isEqualTo(200);
        assertThat(ignored.body()).isEqualTo(data);
    }

    @Test
    void unsatisfiableRangeIs416() {
        Digest d = pushBlob("app", data);
        Resp r = call(HttpMethod.GET, "/v2/app/blobs/" + d, null, Map.of("Range", "bytes=300000-"));
        assertError(r, 416, "RANGE_INVALID");
        assertThat(r.header("Content-Range")).isEqualTo("bytes */300000");
    }

    @Test
    void aBlobNotLinkedToTheRepositoryIsUnknown() {
        Digest d = pushBlob("one", data);
        assertError(call(HttpMethod.GET, "/v2/two/blobs/" + d), 404, "BLOB_UNKNOWN");
        assertThat(call(HttpMethod.HEAD, "/v2/two/blobs/" + d).status()).isEqualTo(404);
        assertError(call(HttpMethod.GET, "/v2/one/blobs/" + Digest.sha256(new byte[1])), 404, "BLOB_UNKNOWN");
    }

    @Test
    void aLinkedBlobDeletedFromTheStoreIsUnknown() {
        Digest d = pushBlob("app", data);
        store.delete(d).block(T);
        assertError(call(HttpMethod.GET, "/v2/app/blobs/" + d), 404, "BLOB_UNKNOWN");
    }

    @Test
    void badDigestsAreDigestInvalid() {
        assertError(call(HttpMethod.GET, "/v2/app/blobs/sha256:abc"), 400, "DIGEST_INVALID");
        assertError(call(HttpMethod.GET, "/v2/app/blobs/md5:" + "a".repeat(32)), 400, "DIGEST_INVALID");
        assertError(call(HttpMethod.GET, "/v2/app/blobs/nodigest"), 400, "DIGEST_INVALID");
        assertError(call(HttpMethod.GET, "/v2/app/blobs/sha256:" + "A".repeat(64)), 400, "DIGEST_INVALID");
    }

    @Test
    void deleteIsUnsupportedUnlessEnabled() {
        Digest d = pushBlob("app", data);
        assertError(call(HttpMethod.DELETE, "/v2/app/blobs/" + d), 405, "UNSUPPORTED");
        assertThat(call(HttpMethod.GET, "/v2/app/blobs/" + d).status()).isEqualTo(200);
    }

    @Nested
    class WithDeleteEnabled extends RegistryTestBase {
        @Override
        RegistryOptions options() {
            return RegistryOptions.defaults().withDeleteEnabled(true);
        }

        @Test
        void deleteUnlinksTheBlobFromThatRepositoryOnly() {
            Digest d = pushBlob("one", data);
            pushBlob("two", data);
            assertThat(call(HttpMethod.DELETE, "/v2/one/blobs/" + d).status()).isEqualTo(202);
            assertError(call(HttpMethod.GET, "/v2/one/blobs/" + d), 404, "BLOB_UNKNOWN");
            assertThat(call(HttpMethod.GET, "/v2/two/blobs/" + d).body()).isEqualTo(data);
            assertThat(store.info(d).block(T).size()).isEqualTo(data.length);
            assertError(call(HttpMethod.DELETE, "/v2/one/blobs/" + d), 404, "BLOB_UNKNOWN");
        }
    }
}
