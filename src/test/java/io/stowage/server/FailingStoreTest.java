package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Status;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Failures of the store as the client sees them: mapped codes, a generic 500, lists cut off mid-stream. */
class FailingStoreTest extends ServerTestBase {
    private static final Digest D = Digest.sha256(new byte[] {7});

    @Override
    ContentStore servedStore() {
        return new StoreWithoutFiles(store) {
            @Override
            public Mono<Info> info(Digest digest) {
                return Mono.error(new IllegalStateException("secret internals"));
            }

            @Override
            public Mono<Void> delete(Digest digest) {
                return Mono.error(ContentException.resourceExhausted("disk full", null));
            }

            @Override
            public Flux<Info> walk(List<String> filters) {
                return Flux.error(ContentException.invalidArgument("filter " + filters + ": unparseable"));
            }

            @Override
            public Flux<Status> listStatuses(List<String> filters) {
                Instant t = Instant.now();
                return Flux.just(new Status("a", 1, 0, null, t, t))
                        .concatWith(Mono.error(new IllegalStateException("disk gone")));
            }
        };
    }

    @Test
    void anUnexpectedExceptionIsAGeneric500() {
        Resp r = call(HttpMethod.GET, "/v1/content/" + D + "/info");

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.json().get("code").asText()).isEqualTo("internal");
        assertThat(r.text()).doesNotContain("secret");
    }

    @Test
    void resourceExhaustedIs507() {
        Resp r = call(HttpMethod.DELETE, "/v1/content/" + D);

        assertThat(r.status()).isEqualTo(507);
        assertThat(r.json().get("code").asText()).isEqualTo("resource_exhausted");
    }

    @Test
    void aListFailingBeforeItsFirstElementGetsAnErrorStatus() {
        Resp r = call(HttpMethod.GET, "/v1/content?filter=" + q("labels.a=="));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("code").asText()).isEqualTo("invalid_argument");
        assertThat(r.json().get("message").asText()).contains("labels.a==");
    }

    @Test
    void aListFailingAfterItStartedIsCutOff() {
        assertThatThrownBy(() -> {
            Resp r = call(HttpMethod.GET, "/v1/ingests");
            r.json(); // a cut-off array does not parse
        }).isInstanceOf(RuntimeException.class);
    }
}
