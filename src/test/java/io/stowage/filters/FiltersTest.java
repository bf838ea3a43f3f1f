package io.stowage.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import io.stowage.content.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** containerd's {@code filter_test.go} cases over the same corpus, then what stowage adds. */
class FiltersTest {

    /** An object of the corpus: a name, another field and labels; empty strings read as absent. */
    record Entry(String name, String other, Map<String, String> labels) implements Adaptor {
        @Override
        public Optional<String> field(List<String> fieldpath) {
            return switch (fieldpath.get(0)) {
                case "name" -> Optional.of(name).filter(s -> !s.isEmpty());
                case "other" -> Optional.of(other).filter(s -> !s.isEmpty());
                case "labels" -> Optional.ofNullable(
                        labels.get(String.join(".", fieldpath.subList(1, fieldpath.size()))));
                default -> Optional.empty();
            };
        }
    }

    static final List<Entry> CORPUS = List.of(
            new Entry("foo", "", Map.of("foo", "true")),
            new Entry("bar", "", Map.of()),
            new Entry("foo", "", Map.of("foo", "present", "more complex label", "present")),
            new Entry("bar", "", Map.of("bar", "true")),
            new Entry("fooer", "", Map.of("more complex label with \\ and \"", "present")),
            new Entry("fooer", "", Map.of("more complex label with \\ and \".post", "present")),
            new Entry("baz", "too complex, yo", Map.of()),
            new Entry("bazo", "abc", Map.of()),
            new Entry("compound", "", Map.of("foo", "omg_asdf.asdf-qwer")));

    static List<Integer> matching(List<String> filters) {
        Filter filter = Filters.parse(filters);
        List<Integer> result = new ArrayList<>();
        for (int i = 0; i < CORPUS.size(); i++) {
            if (filter.matches(CORPUS.get(i))) {
                result.add(i);
            }
        }
        return result;
    }

    static List<Integer> matching(String filter) {
        return matching(List.of(filter));
    }

    static final List<Integer> ALL = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8);

    static Stream<Arguments> containerdCases() {
        return Stream.of(
                Arguments.of("", ALL),
                Arguments.of("name", ALL),
                Arguments.of("labels.foo", List.of(0, 2, 8)),
                Arguments.of("labels.foo,name", List.of(0, 2, 8)),
                Arguments.of("labels.foo==true", List.of(0)),
                Arguments.of("labels.foo==omg_asdf.asdf-qwer", List.of(8)),
                Arguments.of("name==bar", List.of(1, 3)),
                Arguments.of("name!=bar", List.of(0, 2, 4, 5, 6, 7, 8)),
                Arguments.of("name==bar,labels.bar", List.of(3)),
                Arguments.of("other==\"too complex, yo\"", List.of(6)),
                Arguments.of("other~=[abc]+,name!=foo", List.of(6, 7)),
                Arguments.of("other~=/[abc]+/,name!=foo", List.of(6, 7)),
                Arguments.of("other~=/[abc]{1,2}/,name!=foo", List.of(6, 7)),
                Arguments.of("other~=/[abc]{0,1}\"\\//,name!=foo", List.of()),
                Arguments.of("name==bar,labels.bar==true", List.of(3)),
                Arguments.of("name==bar,labels.bar==wrong", List.of()),
                Arguments.of("name==foo,labels.\"more complex label\"", List.of(2)),
                Arguments.of("labels.\"more complex label with \\\\ and \\\"\"==present", List.of(4)),
                Arguments.of("labels.\"more complex label with \\\\ and \\\"\".post==present", List.of(5)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("containerdCases")
    void selectsLikeContainerd(String filter, List<Integer> expected) {
        assertThat(matching(filter)).isEqualTo(expected);
    }

    static Stream<Arguments> containerdErrors() {
        return Stream.of(
                Arguments.of("labels.|foo|==omg_asdf.asdf-qwer", 7, "invalid quote encountered"),
                Arguments.of("labels.?\"more complex label with \\\\ and \\\"\".post==present", 7,
                        "expected field or quoted"),
                Arguments.of("name==foo,", 10, "expected field or quoted"),
                Arguments.of("labels.", 7, "expected field or quoted"),
                Arguments.of("image~=,id?=?fbaq", 7, "expected value or quoted"),
                Arguments.of("labels.ns/key==value", 9, "quoted literal not terminated"),
                Arguments.of("labels.key==/value", 12, "quoted literal not terminated"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("containerdErrors")
    void rejectsLikeContainerd(String filter, int position, String reason) {
        assertInvalid(filter, position, reason);
    }

    static Stream<Arguments> moreErrors() {
        return Stream.of(
                Arguments.of("name=foo", 4, "unsupported operator \"=\""),
                Arguments.of("name===foo", 4, "unsupported operator \"===\""),
                Arguments.of("name foo", 5, "expected an operator"),
                Arguments.of("name==foo bar", 10, "unexpected input: b"),
                Arguments.of("labels .foo", 7, "expected an operator"),
                Arguments.of("name==", 6, "expected value or quoted"),
                Arguments.of("name==\"unterminated", 6, "quoted literal not terminated"),
                Arguments.of("name==\"a\nb\"", 6, "quoted literal not terminated"),
                Arguments.of("name==\"bad \\q escape\"", 11, "illegal escape sequence"),
                Arguments.of("name==\"\\x4\"", 7, "illegal numeric escape sequence"),
                Arguments.of("name==\"\\777\"", 7, "octal escape value > 255"),
                Arguments.of("name==\"\\uD800\"", 7, "not a valid Unicode code point"),
                Arguments.of("name==/alt/", 6, "invalid quote encountered"),
                Arguments.of("other~=/a\\d/", 9, "illegal escape sequence"),
                Arguments.of("other~=[abc", 7, "invalid regular expression"),
                Arguments.of("other~=\"(\"", 7, "invalid regular expression"),
                Arguments.of(",name", 0, "expected field or quoted"),
                Arguments.of("name,,other", 5, "expected field or quoted"),
                Arguments.of("na\u0000me", 2, "unexpected null"),
                Arguments.of("name==\"a\u0000\"", 8, "unexpected null"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("moreErrors")
    void rejectsMalformedFilters(String filter, int position, String reason) {
        assertInvalid(filter, position, reason);
    }

    static void assertInvalid(String filter, int position, String reason) {
        assertThatThrownBy(() -> Filters.parse(List.of(filter)))
                .isInstanceOfSatisfying(ContentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("\"" + filter + "\"")
                .hasMessageContaining("at position " + position + " ")
                .hasMessageContaining(reason);
    }

    @Test
    void errorMessageMarksTheOffendingCharacter() {
        assertThatThrownBy(() -> Filters.parse(List.of("labels.?x")))
                .hasMessage("invalid filter \"labels.?x\": at position 7 (labels. >|?|< x): expected field or quoted");
        assertThatThrownBy(() -> Filters.parse(List.of("labels.")))
                .hasMessage("invalid filter \"labels.\": at position 7 (end of input): expected field or quoted");
    }

    @Test
    void noFiltersAndBlankFiltersMatchEverything() {
        assertThat(matching(List.of())).isEqualTo(ALL);
        assertThat(matching("   ")).isEqualTo(ALL);
        assertThat(matching(List.of("name==nothing", ""))).isEqualTo(ALL);
    }

    @Test
    void aBlankFilterDoesNotHideAMalformedOne() {
        assertThatThrownBy(() -> Filters.parse(List.of("", "name=")))
                .isInstanceOf(ContentException.class)
                .hasMessageContaining("\"name=\"");
    }

    @Test
    void severalFiltersAreOredAndCommasAreAnded() {
        assertThat(matching(List.of("name==bar", "labels.foo==true"))).containsExactly(0, 1, 3);
        assertThat(matching(List.of("name==bar,labels.bar", "other==abc"))).containsExactly(3, 7);
        assertThat(matching(List.of("name==nope", "name==nada"))).isEmpty();
    }

    @Test
    void whitespaceAroundSelectorsOperatorsAndValuesIsIgnored() {
        assertThat(matching("  name == bar , labels.bar  ")).containsExactly(3);
        assertThat(matching("\tlabels.foo\t")).containsExactly(0, 2, 8);
        assertThat(matching("other == \"too complex, yo\" ")).containsExactly(6);
    }

    @Test
    void absentFieldsReadAsEmptyForNotEqualAndMatchesAsInContainerd() {
        // containerd's selector.Match: `value != m.value` and `re.MatchString(value)` with value "" when absent
        assertThat(matching("labels.foo!=true")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(matching("labels.foo!=\"\"")).containsExactly(0, 2, 8);
        assertThat(matching("other~=^$")).containsExactly(0, 1, 2, 3, 4, 5, 8);
        assertThat(matching("labels.foo==\"\"")).isEmpty();
    }

    @Test
    void regexesAreUnanchoredAndMayUseEitherAlternativeQuote() {
        assertThat(matching("name~=oo")).containsExactly(0, 2, 4, 5);
        assertThat(matching("name~=^foo$")).containsExactly(0, 2);
        assertThat(matching("name~=|^ba[rz]$|")).containsExactly(1, 3, 6);
        assertThat(matching("name~=/^foo|^bar$/")).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(matching("name~=\"^(foo|bar)$\"")).containsExactly(0, 1, 2, 3);
        assertThat(matching("other~=/too complex, yo/")).containsExactly(6);
        assertThat(matching("labels.foo~=omg_asdf\\.asdf")).containsExactly(8);
    }

    @Test
    void quotedStringsTakeGoEscapes() {
        Adaptor a = fieldpath -> Optional.of("\u0007\b\f\n\r\t\u000b\\\"A\u00e9\u00e9\uD83D\uDE00");
        String filter = "f==\"\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\x41\\u00e9\\303\\U0001F600\"";
        // \303 is octal 0xC3: a char, as Go's bytes are not representable here; compare it separately
        assertThat(Filters.parse(List.of("f==\"\\303\"")).matches(p -> Optional.of("\u00c3"))).isTrue();
        assertThat(Filters.parse(List.of(filter.replace("\\303", "\\u00e9"))).matches(a)).isTrue();
    }

    @Test
    void unquotedValuesTakeDigestsRefsAndPunctuation() {
        Adaptor a = fieldpath -> Optional.of("sha256:abc/def-1.2@x+y");
        assertThat(Filters.parse(List.of("f==sha256:abc/def-1.2@x+y")).matches(a)).isTrue();
        assertThat(Filters.parse(List.of("f==\u00e9t\u00e9")).matches(p -> Optional.of("\u00e9t\u00e9"))).isTrue();
    }

    @Test
    void quotedFieldsNameLabelKeysWithDotsAndSlashes() {
        Adaptor a = Adaptors.forInfo(info(Map.of("com.example/key", "v1", "containerd.io/gc.ref", "x")));
        assertThat(Filters.parse(List.of("labels.\"com.example/key\"==v1")).matches(a)).isTrue();
        assertThat(Filters.parse(List.of("labels.\"containerd.io/gc.ref\"")).matches(a)).isTrue();
        assertThat(Filters.parse(List.of("labels.\"com.example/key\"==v2")).matches(a)).isFalse();
    }

    @Test
    void infoAdaptorExposesDigestSizeTimesAndLabels() {
        Info info = info(Map.of("a.b", "1", "plain", "2"));
        Adaptor a = Adaptors.forInfo(info);
        assertThat(a.field(List.of("digest"))).contains(info.digest().toString());
        assertThat(a.field(List.of("size"))).contains("42");
        assertThat(a.field(List.of("createdAt"))).contains("2024-01-02T03:04:05Z");
        assertThat(a.field(List.of("updatedAt"))).contains("2024-01-02T03:04:06.500Z");
        assertThat(a.field(List.of("labels", "a", "b"))).contains("1");
        assertThat(a.field(List.of("labels", "a.b"))).contains("1");
        assertThat(a.field(List.of("labels", "plain"))).contains("2");
        assertThat(a.field(List.of("labels", "missing"))).isEmpty();
        assertThat(a.field(List.of("labels"))).isEmpty();
        assertThat(a.field(List.of("digest", "x"))).isEmpty();
        assertThat(a.field(List.of("unknown"))).isEmpty();
        assertThat(a.field(List.of())).isEmpty();
        assertThat(Adaptors.forInfo(new Info(info.digest(), 0, null, null, null)).field(List.of("createdAt")))
                .isEmpty();

        assertThat(Filters.parse(List.of("digest==" + info.digest() + ",size==42,labels.a.b==1")).matches(a))
                .isTrue();
        assertThat(Filters.parse(List.of("digest~=^sha256:,createdAt~=^2024-")).matches(a)).isTrue();
    }

    @Test
    void statusAdaptorExposesRefOffsetsExpectedAndTimes() {
        Digest expected = Digest.parse("sha256:" + "b".repeat(64));
        Status status = new Status("upload/layer-1@x", 10, 100, expected,
                Instant.parse("2024-01-02T03:04:05Z"), Instant.parse("2024-01-02T03:04:07Z"));
        Adaptor a = Adaptors.forStatus(status);
        assertThat(a.field(List.of("ref"))).contains("upload/layer-1@x");
        assertThat(a.field(List.of("offset"))).contains("10");
        assertThat(a.field(List.of("total"))).contains("100");
        assertThat(a.field(List.of("expected"))).contains(expected.toString());
        assertThat(a.field(List.of("startedAt"))).contains("2024-01-02T03:04:05Z");
        assertThat(a.field(List.of("updatedAt"))).contains("2024-01-02T03:04:07Z");
        assertThat(a.field(List.of("labels", "x"))).isEmpty();

        Adaptor bare = Adaptors.forStatus(new Status("r", 0, 0, null, null, null));
        assertThat(bare.field(List.of("expected"))).isEmpty();
        assertThat(bare.field(List.of("startedAt"))).isEmpty();
        assertThat(bare.field(List.of("total"))).contains("0");

        assertThat(Filters.parse(List.of("ref~=^upload/")).matches(a)).isTrue();
        assertThat(Filters.parse(List.of("ref==\"upload/layer-1@x\",offset==10")).matches(a)).isTrue();
        assertThat(Filters.parse(List.of("expected")).matches(bare)).isFalse();
    }

    static Info info(Map<String, String> labels) {
        return new Info(Digest.parse("sha256:" + "a".repeat(64)), 42, Instant.parse("2024-01-02T03:04:05Z"),
                Instant.parse("2024-01-02T03:04:06.500Z"), labels);
    }
}
