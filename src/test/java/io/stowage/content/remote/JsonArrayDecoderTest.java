package io.stowage.content.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import io.stowage.server.ContentJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonArrayDecoderTest {
    private static JsonArrayDecoder decoder() {
        return new JsonArrayDecoder(ContentJson.mapper(), "test");
    }

    @Test
    void elementsComeOutAsSoonAsTheyAreCompleteEvenFedByteByByte() {
        String json = "[ {\"a\":1}, {\"b\":[1,2,{\"c\":\"]}\"}]} ,3,\"x\", null ]";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        JsonArrayDecoder d = decoder();
        List<String> seen = new ArrayList<>();
        List<Integer> completedAt = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            for (JsonNode n : d.feed(new byte[] {bytes[i]})) {
                seen.add(n.toString());
                completedAt.add(i);
            }
        }
        d.end().forEach(n -> seen.add(n.toString()));
        assertThat(seen).containsExactly("{\"a\":1}", "{\"b\":[1,2,{\"c\":\"]}\"}]}", "3", "\"x\"", "null");
        assertThat(completedAt.get(0)).as("the first element is out at its closing brace")
                .isEqualTo(json.indexOf('}'));
    }

    @Test
    void emptyArrayAndSeveralElementsInOneChunk() {
        JsonArrayDecoder empty = decoder();
        assertThat(empty.feed("[]".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(empty.end()).isEmpty();

        JsonArrayDecoder many = decoder();
        assertThat(many.feed("[{\"a\":1},{\"a\":2},{\"a\"".getBytes(StandardCharsets.UTF_8))).hasSize(2);
        assertThat(many.feed(":3}]".getBytes(StandardCharsets.UTF_8))).hasSize(1);
        assertThat(many.end()).isEmpty();
    }

    @Test
    void truncatedOrMalformedInputIsInternal() {
        JsonArrayDecoder truncated = decoder();
        truncated.feed("[{\"a\":1},{\"a\"".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(truncated::end).isInstanceOfSatisfying(ContentException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));

        assertThatThrownBy(() -> decoder().feed("{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ContentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
        assertThatThrownBy(() -> decoder().feed("[1,,2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ContentException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
    }
}
