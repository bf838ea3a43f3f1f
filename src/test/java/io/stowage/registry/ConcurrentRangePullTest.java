package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.Digest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * 64 clients pull the same 64 MiB layer at once, each in its own sequence of Range requests of uneven sizes, and
 * every byte of every response is compared with the layer. 4 GiB cross the loopback, so this runs in its own
 * surefire fork with Netty's leak detection at "simple" (execution {@code registry-load} in the pom): "paranoid"
 * tracks every buffer access and slows the client so much that it takes over a minute to read responses the
 * server finished sending long before (the server then closes the connection as idle, rightly).
 */
class ConcurrentRangePullTest extends RegistryTestBase {
    private static final int SIZE = 64 << 20;
    private static final int CLIENTS = 64;

    @Test
    void sixtyFourClientsPullOneLayerByRanges() {
        byte[] layer = random(SIZE, 64);
        Digest digest = Digest.sha256(layer);
        pushInChunks("pull/test", layer, digest);

        ConnectionProvider pool = ConnectionProvider.builder("range-pull").maxConnections(CLIENTS).build();
        try {
            HttpClient http = HttpClient.create(pool).baseUrl(server.uri().toString());
            AtomicLong verified = new AtomicLong();
            Flux.range(0, CLIENTS)
                    .flatMap(c -> Flux.fromIterable(ranges(c))
                            .concatMap(r -> fetch(http, digest, layer, r[0], r[1]))
                            .doOnNext(verified::addAndGet), CLIENTS)
                    .then()
                    .block(T.multipliedBy(10));
            assertThat(verified.get()).isEqualTo((long) SIZE * CLIENTS);
        } finally {
            pool.disposeLater().block(T);
        }
    }

    /** The blob split at random points (seeded by the client number), in shuffled order. */
    private static List<long[]> ranges(int client) {
        Random rnd = new Random(client);
        List<long[]> out = new ArrayList<>();
        long pos = 0;
        while (pos < SIZE) {
            long len = Math.min(SIZE - pos, 1 + rnd.nextInt(8 << 20));
            out.add(new long[] {pos, pos + len - 1});
            pos += len;
        }
        Collections.shuffle(out, rnd);
        return out;
    }

    /** GETs bytes first..last and checks status, headers and every byte as it arrives; emits the length. */
    private static Mono<Long> fetch(HttpClient http, Digest digest, byte[] layer, long first, long last) {
        return http.headers(h -> h.set("Range", "bytes=" + first + "-" + last))
                .get().uri("/v2/pull/test/blobs/" + digest)
                .response((res, body) -> {
                    assertThat(res.status().code()).isEqualTo(206);
                    assertThat(res.responseHeaders().get("Content-Range"))
                            .isEqualTo("bytes " + first + "-" + last + "/" + SIZE);
                    return body.reduce(first, (pos, buf) -> {
                        int n = buf.readableBytes();
                        if (pos + n > last + 1 || !ByteBufUtil.equals(buf, buf.readerIndex(),
                                Unpooled.wrappedBuffer(layer), (int) (long) pos, n)) {
                            throw new AssertionError("bytes " + pos + ".." + (pos + n - 1) + " differ");
                        }
                        return pos + n;
                    });
                })
                .single()
                .map(end -> {
                    assertThat(end).isEqualTo(last + 1);
                    return last - first + 1;
                });
    }

    private void pushInChunks(String name, byte[] data, Digest digest) {
        String location = call(HttpMethod.POST, "/v2/" + name + "/blobs/uploads/").header("Location");
        int chunk = 16 << 20;
        for (int pos = 0; pos < data.length; pos += chunk) {
            int end = Math.min(data.length, pos + chunk);
            Resp r = call(HttpMethod.PATCH, location, Arrays.copyOfRange(data, pos, end),
                    Map.of("Content-Range", pos + "-" + (end - 1)));
            assertThat(r.status()).as(r.text()).isEqualTo(202);
            location = r.header("Location");
        }
        assertThat(call(HttpMethod.PUT, location + "?digest=" + digest).status()).isEqualTo(201);
    }
}
