package io.stowage.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import io.stowage.content.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FiltersTest {
    private static final Info A = info("a", 1, Map.of("name", "foo", "other", "bar", "com.example/key", "x.y"));
    private static final Info B = info("b", 2, Map.of("name", "bar", "version", "v1.2"));
    private static final Info C = info("c", 3, Map.of());
    private static final List<Info> ALL = List.of(A, B, C);

    private static Info info(String seed, long size, Map<String, String> labels) {
        return new Info(Digest.sha256(seed.getBytes()), size, Instant.EPOCH, Instant.EPOCH, labels);
    }

    private static List<Info> select(String... filters) {
        Filter f = Filters.parse(filters);
        return ALL.stream().filter(i -> f.matches(Adaptors.forInfo(i))).collect(Collectors.toList());
    }

    @Test
    void noFilterOrBlankSelectsEverything() {
        assertThat(select()).containsExactly(A, B, C);
        assertThat(select("")).containsExactly(A, B, C);
        assertThat(select("  ")).containsExactly(A, B, C);
    }

    @Test
    void equalityInequalityPresenceAndRegex() {
        assertThat(select("labels.name==foo")).containsExactly(A);
        assertThat(select("labels.name!=foo")).containsExactly(B, C);
        assertThat(select("labels.name")).containsExactly(A, B);
        assertThat(select("labels.name~=^b")).containsExactly(B);
        assertThat(select("labels.name~=o")).containsExactly(A);
        assertThat(select("labels.version~=/v[0-9]\\.[0-9]/")).containsExactly(B);
        assertThat(select("labels.version~=|^v1|")).containsExactly(B);
    }

    @Test
    void quotedKeysMayHoldDotsAndSlashes() {
        assertThat(select("labels.\"com.example/key\"==x.y")).containsExactly(A);
        assertThat(select("labels.\"com.example/key\"==\"x.y\"")).containsExactly(A);
    }

    @Test
    void commasAndSeveralFiltersOr() {
        assertThat(select("labels.name==foo,labels.other==bar")).containsExactly(A);
        assertThat(select("labels.name==foo,labels.other==baz")).isEmpty();
        assertThat(select("labels.name==foo", "size==2")).containsExactly(A, B);
        assertThat(select(" labels.name == foo , size == 1 ")).containsExactly(A);
    }

    @Test
    void plainFields() {
        assertThat(select("digest==" + B.digest())).containsExactly(B);
        assertThat(select("size==3")).containsExactly(C);
        assertThat(select("size!=3")).containsExactly(A, B);
        assertThat(select("nosuchfield")).isEmpty();
    }

    @Test
    void statusFields() {
        Status s = new Status("layer-1", 10, 20, null, Instant.EPOCH, Instant.EPOCH);
        assertThat(Filters.parse("ref~=\"^layer-\"").matches(Adaptors.forStatus(s))).isTrue();
        assertThat(Filters.parse("ref==layer-1,offset==10,total==20").matches(Adaptors.forStatus(s))).isTrue();
        assertThat(Filters.parse("expected").matches(Adaptors.forStatus(s))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"labels.name==", "==foo", "labels.name=foo", "labels.\"unterminated", "a,,b",
            "labels.name~=[", "labels..x", "labels.name==foo bar", "labels.name==\"bad\\q\"", "labels.com.example/key==x.y"})
    void unparseableFiltersAreInvalidArgument(String filter) {
        assertThatThrownBy(() -> Filters.parse(filter))
                .isInstanceOfSatisfying(ContentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("position");
    }
}
