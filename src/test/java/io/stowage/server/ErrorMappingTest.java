package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one table from error codes to HTTP, and the error bodies both ways. */
class ErrorMappingTest {

    @Test
    void everyCodeHasItsStatus() {
        Map<ErrorCode, Integer> expected = Map.of(
                ErrorCode.INVALID_ARGUMENT, 400,
                ErrorCode.NOT_FOUND, 404,
                ErrorCode.ALREADY_EXISTS, 409,
                ErrorCode.FAILED_PRECONDITION, 412,
                ErrorCode.OUT_OF_RANGE, 416,
                ErrorCode.INTERNAL, 500,
                ErrorCode.UNAVAILABLE, 503,
                ErrorCode.RESOURCE_EXHAUSTED, 507,
                ErrorCode.UNAUTHENTICATED, 401,
                ErrorCode.PERMISSION_DENIED, 403);
        assertThat(expected).hasSize(ErrorCode.values().length);
        expected.forEach((code, status) -> {
            assertThat(ErrorMapping.status(code).code()).as(code.name()).isEqualTo(status);
            assertThat(ErrorMapping.code(status)).isEqualTo(code);
        });
        assertThat(ErrorMapping.code(418)).isEqualTo(ErrorCode.INTERNAL);
    }

    @Test
    void bodiesCarryCodeMessageAndTheOffsetOfOutOfRange() {
        JsonNode plain = ErrorMapping.body(ContentException.notFound("content x: not found"));
        assertThat(plain.get("code").asText()).isEqualTo("not_found");
        assertThat(plain.get("message").asText()).isEqualTo("content x: not found");
        assertThat(plain.has("offset")).isFalse();

        JsonNode range = ErrorMapping.body(ContentException.outOfRange("write at 5, ingest at 10", 10));
        assertThat(range.get("code").asText()).isEqualTo("out_of_range");
        assertThat(range.get("offset").asLong()).isEqualTo(10);
    }

    @Test
    void unexpectedExceptionsBecomeAGenericInternalError() {
        ContentException ce = ErrorMapping.toContentException(new NullPointerException("secret detail"));
        assertThat(ce.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(ErrorMapping.body(ce).get("message").asText()).isEqualTo("internal error");
    }

    @Test
    void clientsReadErrorsBack() {
        byte[] body = ContentJson.toBytes(ErrorMapping.body(ContentException.outOfRange("at 10", 10)));
        ContentException back = ErrorMapping.fromWire(416, body);
        assertThat(back.code()).isEqualTo(ErrorCode.OUT_OF_RANGE);
        assertThat(back.getMessage()).isEqualTo("at 10");
        assertThat(back.currentOffset()).isEqualTo(10);

        ContentException session = ErrorMapping.fromWire(200,
                "{\"error\":{\"code\":\"unavailable\",\"message\":\"locked\"}}".getBytes(StandardCharsets.UTF_8));
        assertThat(session.code()).isEqualTo(ErrorCode.UNAVAILABLE);

        ContentException noJson = ErrorMapping.fromWire(503, "busy".getBytes(StandardCharsets.UTF_8));
        assertThat(noJson.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(noJson.getMessage()).contains("503").contains("busy");
    }
}
