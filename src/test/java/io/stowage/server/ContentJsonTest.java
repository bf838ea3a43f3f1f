package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Status;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON wire forms clients rely on. */
class ContentJsonTest {
    private static final Digest D = Digest.sha256(new byte[] {1, 2, 3});

    private static JsonNode json(Object value) throws Exception {
        return ContentJson.mapper().readTree(ContentJson.toBytes(value));
    }

    @Test
    void timesAreUtcWithAsManyFractionDigitsAsNeeded() {
        assertThat(ContentJson.formatTime(Instant.parse("2024-05-01T10:00:00Z"))).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(ContentJson.formatTime(Instant.parse("2024-05-01T10:00:00.120Z")))
                .isEqualTo("2024-05-01T10:00:00.120Z");
        assertThat(ContentJson.formatTime(Instant.parse("2024-05-01T10:00:00.123456789Z")))
                .isEqualTo("2024-05-01T10:00:00.123456789Z");
        assertThat(ContentJson.parseTime("2024-05-01T12:00:00.5+02:00"))
                .isEqualTo(Instant.parse("2024-05-01T10:00:00.5Z"));
        assertThatThrownBy(() -> ContentJson.parseTime("yesterday"))
                .satisfies(e -> assertThat(((ContentException) e).code().wireName()).isEqualTo("invalid_argument"));
    }

    @Test
    void infoHasItsFiveFieldsAndEmptyLabelsAsAnObject() throws Exception {
        Instant t = Instant.parse("2024-05-01T10:00:00.000000001Z");
        JsonNode n = json(new Info(D, 3, t, t, Map.of()));

        assertThat(n.fieldNames()).toIterable().containsExactly("digest", "size", "createdAt", "updatedAt", "labels");
        assertThat(n.get("digest").asText()).isEqualTo(D.toString());
        assertThat(n.get("size").asLong()).isEqualTo(3);
        assertThat(n.get("createdAt").asText()).isEqualTo("2024-05-01T10:00:00.000000001Z");
        assertThat(n.get("labels").isObject()).isTrue();
        assertThat(n.get("labels").size()).isZero();
    }

    @Test
    void statusLeavesExpectedOutWhenNotDeclared() throws Exception {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        JsonNode undeclared = json(new Status("ref", 5, 0, null, t, t));
        assertThat(undeclared.fieldNames()).toIterable()
                .containsExactly("ref", "offset", "total", "startedAt", "updatedAt");
        assertThat(undeclared.get("total").asLong()).isZero();

        JsonNode declared = json(new Status("ref", 5, 10, D, t, t));
        assertThat(declared.get("expected").asText()).isEqualTo(D.toString());
    }

    @Test
    void valuesRoundTrip() throws Exception {
        Instant t1 = Instant.parse("2024-05-01T10:00:00.5Z");
        Instant t2 = Instant.parse("2024-05-02T10:00:00.000001Z");
        Info info = new Info(D, 3, t1, t2, Map.of("a", "1", "é", "ü"));
        Status st = new Status("r/é", 5, 10, D, t1, t2);
        var m = ContentJson.mapper();

        assertThat(m.readValue(ContentJson.toBytes(info), Info.class)).isEqualTo(info);
        assertThat(m.readValue(ContentJson.toBytes(st), Status.class)).isEqualTo(st);
        assertThat(m.readValue(ContentJson.toBytes(D), Digest.class)).isEqualTo(D);
        assertThat(ContentJson.readStatus(m.readTree("{\"ref\":\"r\",\"offset\":1}")))
                .isEqualTo(new Status("r", 1, 0, null, null, null));
    }

    @Test
    void malformedFieldsAreInvalidArgument() throws Exception {
        var m = ContentJson.mapper();
        assertThatThrownBy(() -> ContentJson.readInfo(m.readTree("{\"digest\":\"sha256:00\"}")))
                .isInstanceOf(ContentException.class);
        assertThatThrownBy(() -> ContentJson.labels(m.readTree("{\"k\":[1]}")))
                .isInstanceOf(ContentException.class);
        assertThatThrownBy(() -> ContentJson.readStatus(m.readTree("{\"offset\":1}")))
                .isInstanceOf(ContentException.class);
    }
}
