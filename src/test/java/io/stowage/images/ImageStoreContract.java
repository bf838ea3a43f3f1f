package io.stowage.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentException;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * What every {@link ImageStore} does. Implementors return a fresh, empty store from {@link #store()} (the same
 * one for the whole test).
 */
public interface ImageStoreContract {
    Duration T = Duration.ofSeconds(30);
    String INDEX = "application/vnd.oci.image.index.v1+json";
    String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    ImageStore store();

    static Descriptor target(String seed, String mediaType) {
        byte[] b = seed.getBytes(StandardCharsets.UTF_8);
        return new Descriptor(mediaType, Digest.sha256(b), b.length, Map.of("org.example.seed", seed));
    }

    @Test
    default void putThenGetReturnsTheImageWithTimes() {
        Image put = store().put(Image.of("docker.io/library/alpine:3.20", target("a", INDEX), Map.of("k", "v")))
                .block(T);
        assertThat(put.createdAt()).isNotNull();
        assertThat(put.updatedAt()).isEqualTo(put.createdAt());

        Image got = store().get("docker.io/library/alpine:3.20").block(T);
        assertThat(got).isEqualTo(put);
        assertThat(got.target()).isEqualTo(target("a", INDEX));
        assertThat(got.labels()).containsExactly(Map.entry("k", "v"));
    }

    @Test
    default void putAgainReplacesTargetAndLabelsAndKeepsCreatedAt() {
        Image first = store().put(Image.of("img", target("a", INDEX), Map.of("k", "v"))).block(T);
        Image second = store().put(Image.of("img", target("b", MANIFEST), Map.of("x", "y"))).block(T);

        assertThat(second.createdAt()).isEqualTo(first.createdAt());
        assertThat(second.updatedAt()).isAfterOrEqualTo(first.updatedAt());
        Image got = store().get("img").block(T);
        assertThat(got.target()).isEqualTo(target("b", MANIFEST));
        assertThat(got.labels()).containsExactly(Map.entry("x", "y"));
    }

    @Test
    default void getOfAnUnknownNameIsNotFound() {
        StepVerifier.create(store().get("nothing:here"))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.NOT_FOUND)).as(e.toString())
                        .isTrue())
                .verify(T);
    }

    @Test
    default void listIsInNameOrderAndFilters() {
        store().put(Image.of("b/two:1", target("2", MANIFEST), Map.of("env", "prod"))).block(T);
        store().put(Image.of("a/one:1", target("1", INDEX), Map.of())).block(T);
        store().put(Image.of("c/three:1", target("3", INDEX), Map.of("env", "dev"))).block(T);

        assertThat(store().list().map(Image::name).collectList().block(T))
                .containsExactly("a/one:1", "b/two:1", "c/three:1");
        assertThat(store().list("labels.env==prod").map(Image::name).collectList().block(T))
                .containsExactly("b/two:1");
        assertThat(store().list("target.mediatype==" + INDEX, "name==b/two:1").map(Image::name).collectList()
                .block(T)).containsExactly("a/one:1", "b/two:1", "c/three:1");
        assertThat(store().list("name~=^c/").map(Image::name).collectList().block(T)).containsExactly("c/three:1");
        assertThat(store().list("target.digest==" + target("1", INDEX).digest()).map(Image::name).collectList()
                .block(T)).containsExactly("a/one:1");
    }

    @Test
    default void anUnparseableFilterIsInvalidArgument() {
        StepVerifier.create(store().list("name==\"unterminated"))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.INVALID_ARGUMENT))
                        .as(e.toString()).isTrue())
                .verify(T);
    }

    @Test
    default void deleteRemovesAndASecondDeleteIsNotFound() {
        store().put(Image.of("gone:1", target("g", INDEX), Map.of())).block(T);
        store().delete("gone:1").block(T);

        StepVerifier.create(store().get("gone:1")).expectError(ContentException.class).verify(T);
        StepVerifier.create(store().delete("gone:1"))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.NOT_FOUND)).as(e.toString())
                        .isTrue())
                .verify(T);
    }

    @Test
    default void namesWithSlashesColonsAndSpacesRoundTrip() {
        String name = "registry.example:5000/a b/c+d:tag@sha256:" + "0".repeat(64);
        store().put(Image.of(name, target("n", MANIFEST), Map.of())).block(T);
        assertThat(store().get(name).block(T).name()).isEqualTo(name);
        assertThat(store().list().map(Image::name).collectList().block(T)).containsExactly(name);
    }
}
