package io.stowage.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Regular expressions in filters come from clients: their length and the cost of matching them are bounded. */
class RegexCostTest {
    static final String LONG_A = "a".repeat(4000) + "!";

    @Test
    void catastrophicPatternOnALongLabelIsInvalidArgumentNotAHang() {
        Filter f = Filters.parse(List.of("labels.k~=(a+)+$"));
        Adaptor a = Adaptors.forInfo(FiltersTest.info(Map.of("k", LONG_A)));
        assertThatThrownBy(() -> f.matches(a))
                .isInstanceOfSatisfying(ContentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("too costly");
    }

    @Test
    void ordinaryPatternsOnLongLabelsStillMatch() {
        Adaptor a = Adaptors.forInfo(FiltersTest.info(Map.of("k", LONG_A)));
        assertThat(Filters.parse(List.of("labels.k~=a+!$")).matches(a)).isTrue();
        assertThat(Filters.parse(List.of("labels.k~=^a{4000}!")).matches(a)).isTrue();
        assertThat(Filters.parse(List.of("labels.k~=b")).matches(a)).isFalse();
    }

    @Test
    void overLongPatternIsRefused() {
        assertThatThrownBy(() -> Filters.parse(List.of("labels.k~=" + "a".repeat(Parser.MAX_REGEX_CHARS + 1))))
                .isInstanceOfSatisfying(ContentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("longer than " + Parser.MAX_REGEX_CHARS);
    }
}
