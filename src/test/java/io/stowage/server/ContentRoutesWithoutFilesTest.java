package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentStore;
import io.stowage.content.Info;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A store without blob files: the server streams the bytes through {@code read}, ranges included. */
class ContentRoutesWithoutFilesTest extends ServerTestBase {
    @Override
    ContentStore servedStore() {
        return StoreWithoutFiles.wrap(store);
    }

    @Test
    void getStreamsTheBytesFromTheStore() {
        byte[] data = random(1024 * 1024 + 3, 10);
        Info info = commit("blob", data, Map.of());
        String uri = "/v1/content/" + info.digest();

        Resp r = call(HttpMethod.GET, uri);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(data);
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(data.length));
        assertThat(r.header("Docker-Content-Digest")).isEqualTo(info.digest().toString());

        Resp range = call(HttpMethod.GET, uri, null, Map.of("Range", "bytes=1000-1999"));
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(data, 1000, 2000));
    }

    @Test
    void aBlobDeletedBetweenInfoAndReadIs404() {
        Info info = commit("blob", random(100, 11), Map.of());
        ContentStore vanishing = StoreWithoutFiles.deletingBeforeRead(store);
        StowageServer other = StowageServer.start(options(), java.util.List.of(ContentRoutes.of(vanishing)));
        try {
            Resp r = reactor.netty.http.client.HttpClient.create().baseUrl(other.uri().toString())
                    .get().uri("/v1/content/" + info.digest())
                    .responseSingle((res, b) -> b.asByteArray().defaultIfEmpty(new byte[0])
                            .map(bytes -> new Resp(res.status().code(), res.responseHeaders(), bytes)))
                    .block(T);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().get("code").asText()).isEqualTo("not_found");
        } finally {
            other.disposeNow(T);
        }
    }
}
