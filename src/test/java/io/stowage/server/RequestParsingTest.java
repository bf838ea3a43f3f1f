package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.content.ContentException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Raw paths, percent-decoding, query parameters and Range headers, taken apart by hand. */
class RequestParsingTest {

    @Test
    void pathSegmentsAreSplitBeforeDecoding() {
        RequestTarget t = RequestTarget.parse("/v1/ingests/a%2Fb%20c+d/write?x=1", "/v1/ingests");
        assertThat(t.segments()).containsExactly("a/b c+d", "write");
        assertThat(RequestTarget.parse("/v1/ingests", "/v1/ingests").segments()).isEmpty();
        assertThat(RequestTarget.parse("/v1/ingests/", "/v1/ingests").segments()).isEmpty();
        assertThat(RequestTarget.parse("/v1/ingests/r/", "/v1/ingests").segments()).containsExactly("r");
        assertThat(RequestTarget.under("/v1/ingests?filter=x", "/v1/ingests")).isTrue();
        assertThat(RequestTarget.under("/v1/ingestsX", "/v1/ingests")).isFalse();
        assertThat(RequestTarget.under("http://h:1/v1/content/x", "/v1/content")).isTrue();
    }

    @Test
    void queryParametersAreFormDecodedAndMayRepeat() {
        RequestTarget t = RequestTarget.parse(
                "/v1/content?filter=labels.a%3D%3Db&filter=size%3D%3D1+&label=k=v=w&commit&offset=12", "/v1/content");
        assertThat(t.all("filter")).containsExactly("labels.a==b", "size==1 ");
        assertThat(t.keyValues("label")).isEqualTo(Map.of("k", "v=w"));
        assertThat(t.flag("commit")).isTrue();
        assertThat(t.flag("absent")).isFalse();
        assertThat(t.nonNegative("offset", -1)).isEqualTo(12);
        assertThat(t.nonNegative("total", 0)).isZero();
        assertThat(t.digest("expected")).isNull();
    }

    @Test
    void malformedInputIsInvalidArgument() {
        for (String uri : List.of("/v1/ingests/%", "/v1/ingests/%4", "/v1/ingests/%GG", "/v1/ingests/%FF",
                "/v1/ingests?x=%E2%82")) {
            assertThatThrownBy(() -> RequestTarget.parse(uri, "/v1/ingests")).as(uri)
                    .isInstanceOf(ContentException.class);
        }
        RequestTarget t = RequestTarget.parse("/v1/x?offset=1&offset=2&total=-3&label=k", "/v1/x");
        assertThatThrownBy(() -> t.nonNegative("offset", 0)).isInstanceOf(ContentException.class);
        assertThatThrownBy(() -> t.nonNegative("total", 0)).isInstanceOf(ContentException.class);
        assertThatThrownBy(() -> t.keyValues("label")).isInstanceOf(ContentException.class);
    }

    @Test
    void rangesResolveAgainstTheSize() {
        assertThat(ByteRange.parse(null, 100)).isNull();
        assertThat(ByteRange.parse("bytes=0-9", 100)).isEqualTo(new ByteRange(0, 9, 100));
        assertThat(ByteRange.parse("bytes=90-", 100)).isEqualTo(new ByteRange(90, 99, 100));
        assertThat(ByteRange.parse("bytes=90-1000", 100)).isEqualTo(new ByteRange(90, 99, 100));
        assertThat(ByteRange.parse("bytes=-10", 100)).isEqualTo(new ByteRange(90, 99, 100));
        assertThat(ByteRange.parse("bytes=-1000", 100)).isEqualTo(new ByteRange(0, 99, 100));
        assertThat(ByteRange.parse("BYTES = 5-5", 100)).isNull();
        assertThat(ByteRange.parse("bytes= 5-5", 100)).isEqualTo(new ByteRange(5, 5, 100));
        assertThat(ByteRange.parse("bytes=5-5", 100).contentRange()).isEqualTo("bytes 5-5/100");
    }

    @Test
    void rangesNotUnderstoodAreIgnoredAndUnsatisfiableOnesRejected() {
        for (String ignored : List.of("items=0-1", "bytes=0-1,3-4", "bytes=5", "bytes=9-1", "bytes=a-b", "bytes=-")) {
            assertThat(ByteRange.parse(ignored, 100)).as(ignored).isNull();
        }
        for (String unsatisfiable : List.of("bytes=100-", "bytes=100-200", "bytes=-0")) {
            assertThatThrownBy(() -> ByteRange.parse(unsatisfiable, 100)).as(unsatisfiable)
                    .satisfies(e -> assertThat(((ContentException) e).code().wireName()).isEqualTo("out_of_range"));
        }
        assertThatThrownBy(() -> ByteRange.parse("bytes=0-", 0)).isInstanceOf(ContentException.class);
        assertThatThrownBy(() -> ByteRange.parse("bytes=-5", 0)).isInstanceOf(ContentException.class);
    }
}
