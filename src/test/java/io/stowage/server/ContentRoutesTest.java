package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /v1/content} over a real socket: every endpoint, its headers, and its error codes. */
class ContentRoutesTest extends ServerTestBase {

    @Test
    void getSendsTheBytesWithLengthAndDigestHeaders() {
        byte[] data = random(3 * 1024 * 1024 + 17, 1);
        Info info = commit("blob", data, Map.of());

        Resp r = call(HttpMethod.GET, "/v1/content/" + info.digest());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(data);
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(data.length));
        assertThat(r.header("Docker-Content-Digest")).isEqualTo(info.digest().toString());
        assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");
    }

    @Test
    void headSendsTheHeadersOnly() {
        byte[] data = random(1000, 2);
        Info info = commit("blob", data, Map.of());

        Resp r = call(HttpMethod.HEAD, "/v1/content/" + info.digest());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.header("Content-Length")).isEqualTo("1000");
        assertThat(r.header("Docker-Content-Digest")).isEqualTo(info.digest().toString());
    }

    @Test
    void headOfAnUnknownDigestIs404WithoutBody() {
        Resp r = call(HttpMethod.HEAD, "/v1/content/" + Digest.sha256(utf8("nothing")));

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void rangesGive206WithContentRange() {
        byte[] data = random(1000, 3);
        Info info = commit("blob", data, Map.of());
        String uri = "/v1/content/" + info.digest();

        Resp closed = call(HttpMethod.GET, uri, null, Map.of("Range", "bytes=10-19"));
        assertThat(closed.status()).isEqualTo(206);
        assertThat(closed.body()).isEqualTo(Arrays.copyOfRange(data, 10, 20));
        assertThat(closed.header("Content-Range")).isEqualTo("bytes 10-19/1000");
        assertThat(closed.header("Content-Length")).isEqualTo("10");
        assertThat(closed.header("Docker-Content-Digest")).isEqualTo(info.digest().toString());

        Resp open = call(HttpMethod.GET, uri, null, Map.of("Range", "bytes=990-"));
        assertThat(open.status()).isEqualTo(206);
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(data, 990, 1000));
        assertThat(open.header("Content-Range")).isEqualTo("bytes 990-999/1000");

        Resp suffix = call(HttpMethod.GET, uri, null, Map.of("Range", "bytes=-5"));
        assertThat(suffix.status()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(data, 995, 1000));
        assertThat(suffix.header("Content-Range")).isEqualTo("bytes 995-999/1000");

        Resp pastTheEnd = call(HttpMethod.GET, uri, null, Map.of("Range", "bytes=900-5000"));
        assertThat(pastTheEnd.status()).isEqualTo(206);
        assertThat(pastTheEnd.body()).isEqualTo(Arrays.copyOfRange(data, 900, 1000));
        assertThat(pastTheEnd.header("Content-Range")).isEqualTo("bytes 900-999/1000");

        Resp whole = call(HttpMethod.GET, uri, null, Map.of("Range", "bytes=-5000"));
        assertThat(whole.status()).isEqualTo(206);
        assertThat(whole.body()).isEqualTo(data);
    }

    @Test
    void anUnsatisfiableRangeIs416() {
        Info info = commit("blob", random(100, 4), Map.of());

        Resp r = call(HttpMethod.GET, "/v1/content/" + info.digest(), null, Map.of("Range", "bytes=100-"));

        assertThat(r.status()).isEqualTo(416);
        assertThat(r.header("Content-Range")).isEqualTo("bytes */100");
        assertThat(r.json().get("code").asText()).isEqualTo("out_of_range");
    }

    @Test
    void aRangeThatIsNotUnderstoodIsIgnored() {
        byte[] data = random(100, 5);
        Info info = commit("blob", data, Map.of());

        Resp r = call(HttpMethod.GET, "/v1/content/" + info.digest(), null, Map.of("Range", "bytes=0-1,5-6"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(data);
    }

    @Test
    void anEmptyBlobHasContentLengthZero() {
        Info info = commit("empty", new byte[0], Map.of());

        Resp r = call(HttpMethod.GET, "/v1/content/" + info.digest());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.header("Content-Length")).isEqualTo("0");
    }

    @Test
    void unknownAndMalformedDigests() {
        Resp unknown = call(HttpMethod.GET, "/v1/content/" + Digest.sha256(utf8("nothing")));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("code").asText()).isEqualTo("not_found");
        assertThat(unknown.header("Content-Type")).isEqualTo("application/json");

        Resp malformed = call(HttpMethod.GET, "/v1/content/sha256:xyz");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("code").asText()).isEqualTo("invalid_argument");
        assertThat(malformed.json().get("message").asText()).contains("sha256");

        Resp md5 = call(HttpMethod.GET, "/v1/content/md5:d41d8cd98f00b204e9800998ecf8427e/info");
        assertThat(md5.status()).isEqualTo(400);
    }

    @Test
    void infoHasTheWireForm() {
        Info info = commit("blob", random(10, 6), Map.of("a", "1"));

        Resp r = call(HttpMethod.GET, "/v1/content/" + info.digest() + "/info");

        assertThat(r.status()).isEqualTo(200);
        JsonNode n = r.json();
        assertThat(n.get("digest").asText()).isEqualTo(info.digest().toString());
        assertThat(n.get("size").asLong()).isEqualTo(10);
        assertThat(n.get("labels").get("a").asText()).isEqualTo("1");
        assertThat(ContentJson.parseTime(n.get("createdAt").asText())).isEqualTo(info.createdAt());
        assertThat(n.get("createdAt").asText()).endsWith("Z");
        assertThat(ContentJson.readInfo(n)).isEqualTo(info);
    }

    @Test
    void patchUpdatesLabelsWithFieldpaths() {
        Info info = commit("blob", random(10, 7), Map.of("a", "1", "b", "2"));
        String uri = "/v1/content/" + info.digest() + "/info";

        Resp set = call(HttpMethod.PATCH, uri + "?fieldpath=labels.c&fieldpath=labels.a",
                utf8("{\"labels\":{\"c\":\"3\"}}"));
        assertThat(set.status()).isEqualTo(200);
        assertThat(ContentJson.readInfo(set.json()).labels()).isEqualTo(Map.of("b", "2", "c", "3"));

        Resp replace = call(HttpMethod.PATCH, uri, utf8("{\"labels\":{\"x\":\"y\"}}"));
        assertThat(replace.status()).isEqualTo(200);
        Info after = ContentJson.readInfo(replace.json());
        assertThat(after.labels()).isEqualTo(Map.of("x", "y"));
        assertThat(after.updatedAt()).isAfter(info.updatedAt());
        assertThat(after.createdAt()).isEqualTo(info.createdAt());

        Resp clear = call(HttpMethod.PATCH, uri, utf8("{}"));
        assertThat(clear.status()).isEqualTo(200);
        assertThat(clear.json().get("labels").size()).isZero();
        assertThat(clear.json().get("labels").isObject()).isTrue();
    }

    @Test
    void patchRejectsBadInputWith400() {
        Info info = commit("blob", random(10, 8), Map.of());
        String uri = "/v1/content/" + info.digest() + "/info";

        assertThat(call(HttpMethod.PATCH, uri + "?fieldpath=size", utf8("{\"labels\":{}}")).status()).isEqualTo(400);
        assertThat(call(HttpMethod.PATCH, uri, utf8("{not json")).status()).isEqualTo(400);
        assertThat(call(HttpMethod.PATCH, uri, utf8("[1]")).status()).isEqualTo(400);
        assertThat(call(HttpMethod.PATCH, uri, new byte[0]).status()).isEqualTo(400);
        assertThat(call(HttpMethod.PATCH, uri, utf8("{\"labels\":{\"k\":1}}")).status()).isEqualTo(400);
        Resp tooBig = call(HttpMethod.PATCH, uri, utf8("{\"labels\":{\"k\":\"" + "v".repeat(5000) + "\"}}"));
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.json().get("code").asText()).isEqualTo("invalid_argument");
        Resp unknown = call(HttpMethod.PATCH, "/v1/content/" + Digest.sha256(utf8("x")) + "/info", utf8("{}"));
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void deleteRemovesTheBlob() {
        Info info = commit("blob", random(10, 9), Map.of());
        String uri = "/v1/content/" + info.digest();

        assertThat(call(HttpMethod.DELETE, uri).status()).isEqualTo(204);
        assertThat(call(HttpMethod.GET, uri).status()).isEqualTo(404);
        assertThat(call(HttpMethod.DELETE, uri).json().get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void listStreamsAJsonArrayOfInfo() {
        List<Info> committed = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            committed.add(commit("b" + i, utf8("blob " + i), Map.of("i", Integer.toString(i))));
        }

        Resp r = call(HttpMethod.GET, "/v1/content");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
        List<Info> listed = new ArrayList<>();
        r.json().forEach(n -> listed.add(ContentJson.readInfo(n)));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(committed);
    }

    @Test
    void listOfNothingIsAnEmptyArray() {
        Resp r = call(HttpMethod.GET, "/v1/content?filter=" + q("labels.a==b"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().isArray()).isTrue();
        assertThat(r.json().size()).isZero();
    }

    @Test
    void listFiltersUseContainerdSyntaxAndBadOnesAre400() {
        Info a = commit("a", utf8("a"), Map.of("kind", "layer", "com.example/x", "1"));
        Info b = commit("b", utf8("b"), Map.of("kind", "config"));
        commit("c", utf8("c"), Map.of());

        List<String> kinds = new ArrayList<>();
        call(HttpMethod.GET, "/v1/content?filter=" + q("labels.kind==layer") + "&filter=" + q("labels.kind~=^conf"))
                .json().forEach(n -> kinds.add(n.get("digest").asText()));
        assertThat(kinds).containsExactlyInAnyOrder(a.digest().toString(), b.digest().toString());

        Resp quoted = call(HttpMethod.GET, "/v1/content?filter=" + q("labels.\"com.example/x\"==1,labels.kind"));
        assertThat(quoted.json().size()).isEqualTo(1);
        assertThat(quoted.json().get(0).get("digest").asText()).isEqualTo(a.digest().toString());

        Resp bad = call(HttpMethod.GET, "/v1/content?filter=" + q("labels.kind=="));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("code").asText()).isEqualTo("invalid_argument");
    }

    @Test
    void unknownRoutesAre404WithAJsonBody() {
        for (String uri : List.of("/", "/v1", "/v1/contents", "/v1/content/a/b/c")) {
            Resp r = call(HttpMethod.GET, uri);
            assertThat(r.status()).as(uri).isEqualTo(404);
            assertThat(r.json().get("code").asText()).isEqualTo("not_found");
        }
        Resp post = call(HttpMethod.POST, "/v1/content", utf8("x"));
        assertThat(post.status()).isEqualTo(404);
    }
}
