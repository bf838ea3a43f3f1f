package io.stowage.content.remote;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.stowage.content.ContentException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one streamed JSON array element by element as its bytes arrive, with Jackson's non-blocking parser:
 * only the element being read is held (as tokens), never the whole array. Not thread-safe: feed it from one
 * stream, in order. Malformed or truncated input is INTERNAL (the server sent something it should not have).
 */
final class JsonArrayDecoder {
    private final ObjectMapper mapper;
    private final String what;
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private boolean started;
    private boolean ended;
    private TokenBuffer element;
    private int depth;

    JsonArrayDecoder(ObjectMapper mapper, String what) {
        this.mapper = mapper;
        this.what = what;
        try {
            this.parser = mapper.getFactory().createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw ContentException.internal(what + ": cannot create a JSON parser", e);
        }
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    /** The elements completed by {@code bytes}, in order (often none, or several). */
    List<JsonNode> feed(byte[] bytes) {
        try {
            feeder.feedInput(bytes, 0, bytes.length);
            return drain();
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /** Ends the input; fails unless the array was complete. */
    List<JsonNode> end() {
        feeder.endOfInput();
        List<JsonNode> out;
        try {
            out = drain();
        } catch (IOException e) {
            throw malformed(e);
        }
        if (!ended) {
            throw ContentException.internal(what + ": the JSON array ended early", null);
        }
        return out;
    }

    private List<JsonNode> drain() throws IOException {
        List<JsonNode> out = new ArrayList<>(2);
        JsonToken t;
        while ((t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
            if (!started) {
                if (t != JsonToken.START_ARRAY) {
                    throw ContentException.internal(what + ": expected a JSON array, got " + t, null);
                }
                started = true;
            } else if (ended) {
                throw ContentException.internal(what + ": data after the JSON array", null);
            } else if (element == null && t == JsonToken.END_ARRAY) {
                ended = true;
            } else {
                if (element == null) {
                    element = new TokenBuffer(parser);
                }
                element.copyCurrentEvent(parser);
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                }
                if (depth == 0) {
                    try (JsonParser p = element.asParser(mapper)) {
                        out.add(mapper.readTree(p));
                    }
                    element = null;
                }
            }
        }
        return out;
    }

    private ContentException malformed(IOException e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return ContentException.internal(what + ": malformed JSON: " + m, e);
    }
}
