package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

/** The version check, routing, method and name errors. */
class BaseRoutesTest extends RegistryTestBase {
    @Test
    void versionCheckAnswersWithTheApiVersionHeader() {
        Resp r = call(HttpMethod.GET, "/v2/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Docker-Distribution-API-Version")).isEqualTo("registry/2.0");
        assertThat(r.json().isObject()).isTrue();
        assertThat(call(HttpMethod.GET, "/v2").status()).isEqualTo(200);
        Resp head = call(HttpMethod.HEAD, "/v2/");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void everyAnswerCarriesTheApiVersionHeader() {
        Resp r = call(HttpMethod.GET, "/v2/nothing/here/at/all/x");
        assertError(r, 404, "UNSUPPORTED");
        assertThat(r.header("Docker-Distribution-API-Version")).isEqualTo("registry/2.0");
    }

    @Test
    void wrongMethodIs405WithAllow() {
        Resp r = call(HttpMethod.POST, "/v2/repo/manifests/latest");
        assertError(r, 405, "UNSUPPORTED");
        assertThat(r.header("Allow")).isEqualTo("GET, HEAD, PUT, DELETE");
        assertError(call(HttpMethod.DELETE, "/v2/"), 405, "UNSUPPORTED");
        assertError(call(HttpMethod.GET, "/v2/repo/blobs/uploads/"), 405, "UNSUPPORTED");
        assertError(call(HttpMethod.PUT, "/v2/repo/tags/list"), 405, "UNSUPPORTED");
    }

    @Test
    void invalidNamesAreNameInvalid() {
        assertError(call(HttpMethod.GET, "/v2/Upper/tags/list"), 400, "NAME_INVALID");
        assertError(call(HttpMethod.GET, "/v2/a//b/tags/list"), 400, "NAME_INVALID");
        assertError(call(HttpMethod.GET, "/v2/a%2Fb/tags/list"), 400, "NAME_INVALID");
        assertError(call(HttpMethod.GET, "/v2/" + "a".repeat(256) + "/tags/list"), 400, "NAME_INVALID");
        assertError(call(HttpMethod.POST, "/v2/-a/blobs/uploads/"), 400, "NAME_INVALID");
        assertError(call(HttpMethod.GET, "/v2/a_/manifests/latest"), 400, "NAME_INVALID");
    }

    @Test
    void otherPathsAreLeftToOtherRoutes() {
        Resp r = call(HttpMethod.GET, "/v1/content");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Docker-Distribution-API-Version")).isNull();
        assertThat(r.json().path("code").asText()).isEqualTo("not_found");
    }
}
