package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.registry.V2Target.Kind;
import org.junit.jupiter.api.Test;

class V2TargetTest {
    private static final String D = "sha256:" + "a".repeat(64);

    @Test
    void recognisesEveryEndpointFromTheRight() {
        assertTarget("/v2/", Kind.BASE, "", "");
        assertTarget("/v2", Kind.BASE, "", "");
        assertTarget("/v2/a/b/tags/list", Kind.TAGS, "a/b", "");
        assertTarget("/v2/a/manifests/latest", Kind.MANIFEST, "a", "latest");
        assertTarget("/v2/a/referrers/" + D, Kind.REFERRERS, "a", D);
        assertTarget("/v2/a/b/blobs/uploads/", Kind.UPLOADS, "a/b", "");
        assertTarget("/v2/a/b/blobs/uploads", Kind.UPLOADS, "a/b", "");
        assertTarget("/v2/a/blobs/uploads/1234-5", Kind.UPLOAD, "a", "1234-5");
        assertTarget("/v2/a/blobs/" + D, Kind.BLOB, "a", D);
    }

    @Test
    void repositoryNamesMayContainTheKeywords() {
        assertTarget("/v2/x/blobs/y/blobs/" + D, Kind.BLOB, "x/blobs/y", D);
        assertTarget("/v2/manifests/manifests/v1", Kind.MANIFEST, "manifests", "v1");
        assertTarget("/v2/tags/list/tags/list", Kind.TAGS, "tags/list", "");
        assertTarget("/v2/a/blobs/uploads/blobs/uploads/", Kind.UPLOADS, "a/blobs/uploads", "");
        assertTarget("/v2/a/blobs/uploads/blobs/" + D, Kind.BLOB, "a/blobs/uploads", D);
    }

    @Test
    void decodesTheLastSegmentAndTheQuery() {
        V2Target t = V2Target.parse("/v2/a/blobs/sha256%3A" + "b".repeat(64) + "?x=1&from=a%2Fb&mount=c+d");
        assertThat(t.reference()).isEqualTo("sha256:" + "b".repeat(64));
        assertThat(t.param("from")).isEqualTo("a/b");
        assertThat(t.param("mount")).isEqualTo("c d");
        assertThat(t.param("absent")).isNull();
        assertThat(V2Target.parse("/v2/a/manifests/%zz").reference()).isEqualTo("%zz");
    }

    @Test
    void unknownShapesAreNotEndpoints() {
        assertThat(V2Target.parse("/v2/a")).isNull();
        assertThat(V2Target.parse("/v2/a/b")).isNull();
        assertThat(V2Target.parse("/v2/a/manifests/")).isNull();
        assertThat(V2Target.parse("/v2/a/tags")).isNull();
        assertThat(V2Target.matches("/v2x")).isFalse();
        assertThat(V2Target.matches("/v1/content")).isFalse();
        assertThat(V2Target.matches("/v2/a/manifests/x?y")).isTrue();
    }

    @Test
    void namesAndTagsFollowTheSpecGrammar() {
        assertThat(Names.isName("library/ubuntu")).isTrue();
        assertThat(Names.isName("a.b_c__d---e/f")).isTrue();
        assertThat(Names.isName("A")).isFalse();
        assertThat(Names.isName("a//b")).isFalse();
        assertThat(Names.isName("a/")).isFalse();
        assertThat(Names.isName("-a")).isFalse();
        assertThat(Names.isName("a___b")).isFalse();
        assertThat(Names.isName("a".repeat(255))).isTrue();
        assertThat(Names.isName("a".repeat(256))).isFalse();
        assertThat(Names.isTag("v1.0_RC-1")).isTrue();
        assertThat(Names.isTag("_x")).isTrue();
        assertThat(Names.isTag(".x")).isFalse();
        assertThat(Names.isTag("a".repeat(128))).isTrue();
        assertThat(Names.isTag("a".repeat(129))).isFalse();
    }

    private static void assertTarget(String uri, Kind kind, String name, String reference) {
        V2Target t = V2Target.parse(uri);
        assertThat(t).as(uri).isNotNull();
        assertThat(t.kind()).as(uri).isEqualTo(kind);
        assertThat(t.name()).as(uri).isEqualTo(name);
        assertThat(t.reference()).as(uri).isEqualTo(reference);
    }
}
