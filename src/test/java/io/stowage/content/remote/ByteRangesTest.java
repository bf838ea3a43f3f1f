package io.stowage.content.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class ByteRangesTest {
    private static final byte[] BYTES = "0123456789".getBytes();

    private static String slice(long first, long last) {
        Flux<ByteBuffer> chunks = Flux.range(0, 4).map(i -> ByteBuffer.wrap(BYTES, i * 3, Math.min(3, 10 - i * 3)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteRanges.slice(chunks, first, last).doOnNext(b -> {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.write(a, 0, a.length);
        }).blockLast(Duration.ofSeconds(30));
        return out.toString();
    }

    @Test
    void cutsAcrossChunkBoundaries() {
        assertThat(slice(0, -1)).isEqualTo("0123456789");
        assertThat(slice(2, 7)).isEqualTo("234567");
        assertThat(slice(3, 5)).isEqualTo("345");
        assertThat(slice(4, -1)).isEqualTo("456789");
        assertThat(slice(9, 100)).isEqualTo("9");
        assertThat(slice(10, 20)).isEmpty();
    }
}
