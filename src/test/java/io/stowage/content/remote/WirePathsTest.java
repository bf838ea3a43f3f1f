package io.stowage.content.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

class WirePathsTest {
    private static final Digest D = Digest.sha256(new byte[] {1});

    @Test
    void refsArePercentEncodedByteByByteIncludingSlashAndPlus() {
        assertThat(WirePaths.ingest("a/b c+d%é")).isEqualTo("/v1/ingests/a%2Fb%20c%2Bd%25%C3%A9");
        assertThat(WirePaths.ingest("layer-1_x.y~z")).isEqualTo("/v1/ingests/layer-1_x.y~z");
        assertThat(WirePaths.ingest("🚀")).isEqualTo("/v1/ingests/%F0%9F%9A%80");
    }

    @Test
    void dotSegmentsAreEscaped() {
        assertThat(WirePaths.ingest("..")).isEqualTo("/v1/ingests/%2E%2E");
        assertThat(WirePaths.ingest(".")).isEqualTo("/v1/ingests/%2E");
        assertThat(WirePaths.ingest("...")).isEqualTo("/v1/ingests/...");
    }

    @Test
    void writeSessionCarriesOnlyDeclaredParameters() {
        assertThat(WirePaths.writeSession("r", 0, null)).isEqualTo("/v1/ingests/r/write");
        assertThat(WirePaths.writeSession("r", 10, null)).isEqualTo("/v1/ingests/r/write?total=10");
        assertThat(WirePaths.writeSession("r/1", 10, D))
                .isEqualTo("/v1/ingests/r%2F1/write?total=10&expected=sha256%3A" + D.hex());
        assertThat(WirePaths.writeSession("r", 0, D)).isEqualTo("/v1/ingests/r/write?expected=sha256%3A" + D.hex());
    }

    @Test
    void repeatedQueryParameters() {
        assertThat(WirePaths.withRepeated("/v1/content", "filter", List.of())).isEqualTo("/v1/content");
        assertThat(WirePaths.withRepeated("/v1/content", "filter", List.of("labels.k==v", "size==1,a+b")))
                .isEqualTo("/v1/content?filter=labels.k%3D%3Dv&filter=size%3D%3D1%2Ca%2Bb");
        assertThat(WirePaths.info(D)).isEqualTo("/v1/content/sha256%3A" + D.hex() + "/info");
    }
}
