package io.stowage.registry;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stowage.content.BlobSource;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Ingests;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET}, {@code HEAD}, {@code PUT} and {@code DELETE /v2/<name>/manifests/<reference>}, the reference a tag
 * or a digest. A manifest is ordinary content in the store (committed under its digest) plus a link in the
 * repository recording the media type it was pushed with, which GET answers with.
 *
 * <p>PUT reads the body (up to the configured limit), parses it ({@link ManifestDocument}), checks a digest
 * reference against the bytes (DIGEST_INVALID), checks that every blob it references is linked to the repository
 * and present in the store with the declared size, and every manifest of an index pushed to the repository
 * (MANIFEST_BLOB_UNKNOWN, one error per missing digest); the subject need not exist. It answers 201 with
 * {@code Location}, {@code Docker-Content-Digest} and, for a manifest with a subject, {@code OCI-Subject}.
 * DELETE of a tag removes the tag; DELETE of a digest removes the manifest and the tags pointing at it (202).
 *
 * <p>In a repository a {@link Mirror} route covers, GET and HEAD fetch what is missing (or a tag past its TTL)
 * from the upstream first.
 */
final class ManifestHandlers {
    static final String OCI_SUBJECT = "OCI-Subject";

    private final ContentStore store;
    private final RegistryTables tables;
    private final RegistryOptions options;
    private final Mirror mirror;

    ManifestHandlers(ContentStore store, RegistryTables tables, RegistryOptions options, Mirror mirror) {
        this.store = store;
        this.tables = tables;
        this.options = options;
        this.mirror = mirror;
    }

    /** A reference: exactly one of tag and digest is set. */
    record Reference(String tag, Digest digest) {
        static Reference parse(String s) {
            if (Names.isTag(s)) {
                return new Reference(s, null);
            }
            if (s.indexOf(':') > 0) {
                return new Reference(null, Names.digest(s));
            }
            throw RegistryError.TAG_INVALID.withDetail("'" + Names.shorten(s)
                    + "' is neither a tag ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}) nor a digest");
        }
    }

    Mono<Void> get(Exchange x, String name, Reference ref) {
        return find(name, ref).flatMap(m -> {
            Map<String, String> headers = Map.of(
                    HttpHeaderNames.CONTENT_TYPE.toString(), m.mediaType(),
                    HttpHeaderNames.CONTENT_LENGTH.toString(), Long.toString(m.size()),
                    Exchange.CONTENT_DIGEST, m.digest().toString(),
                    HttpHeaderNames.ETAG.toString(), "\"" + m.digest() + "\"");
            if (x.isHead()) {
                return store.info(m.digest())
                        .onErrorMap(e -> ContentException.is(e, ErrorCode.NOT_FOUND), e -> unknown(name, ref))
                        .then(Mono.defer(() -> {
                            headers.forEach(x.res::header);
                            return x.res.status(HttpResponseStatus.OK).send().then();
                        }));
            }
            return store.read(m.digest())
                    .reduceWith(ByteArrayOutputStream::new, (out, buf) -> {
                        byte[] b = new byte[buf.remaining()];
                        buf.get(b);
                        out.write(b, 0, b.length);
                        return out;
                    })
                    .onErrorMap(e -> ContentException.is(e, ErrorCode.NOT_FOUND), e -> unknown(name, ref))
                    .flatMap(out -> {
                        headers.forEach(x.res::header);
                        return x.res.status(HttpResponseStatus.OK).sendByteArray(Mono.just(out.toByteArray())).then();
                    });
        });
    }

    private Mono<ManifestRecord> find(String name, Reference ref) {
        Mono<Optional<ManifestRecord>> found = ref.tag() != null ? tables.manifestByTag(name, ref.tag())
                : tables.manifestByDigest(name, ref.digest());
        Optional<Mirror.Target> upstream = mirror.target(name);
        if (upstream.isPresent()) {
            found = found.flatMap(local -> mirror.manifest(upstream.get(), name, ref, local).map(Optional::of));
        }
        return found.flatMap(m -> m.isPresent() ? Mono.just(m.get())
                : tables.repositoryExists(name).flatMap(exists -> Mono.error(exists ? unknown(name, ref)
                        : RegistryError.NAME_UNKNOWN.withDetail(Map.of("name", name)))));
    }

    Mono<Void> put(Exchange x, String name, Reference ref) {
        return x.bodyBytes(options.maxManifestBytes()).flatMap(body -> {
            ManifestDocument doc = ManifestDocument.parse(body, x.header(HttpHeaderNames.CONTENT_TYPE));
            Digest digest = ref.digest() == null ? Digest.sha256(body)
                    : Digest.of(ref.digest().algorithm(), body);
            if (ref.digest() != null && !ref.digest().equals(digest)) {
                throw RegistryError.DIGEST_INVALID.withDetail("manifest pushed as " + ref.digest() + " has digest "
                        + digest);
            }
            ManifestRecord record = new ManifestRecord(digest, doc.mediaType(), body.length, doc.artifactType(),
                    doc.subject() == null ? null : doc.subject().digest(), doc.annotations());
            return checkReferences(name, doc)
                    .then(Ingests.writeBlob(store, "registry-manifest-" + digest.algorithm() + "-" + digest.hex(),
                            BlobSource.stream(() -> Mono.just(ByteBuffer.wrap(body))),
                            new Descriptor(doc.mediaType(), digest, body.length), Map.of()))
                    .then(tables.putManifest(name, record, ref.tag()))
                    .then(Mono.defer(() -> {
                        Map<String, String> headers = new LinkedHashMap<>();
                        headers.put(HttpHeaderNames.LOCATION.toString(), "/v2/" + name + "/manifests/" + digest);
                        headers.put(Exchange.CONTENT_DIGEST, digest.toString());
                        if (doc.subject() != null) {
                            headers.put(OCI_SUBJECT, doc.subject().digest().toString());
                        }
                        return x.empty(HttpResponseStatus.CREATED, headers);
                    }));
        });
    }

    /**
     * MANIFEST_BLOB_UNKNOWN with one entry per referenced digest the repository lacks (not linked, or no longer in
     * the store); MANIFEST_INVALID when a descriptor's size differs from the blob's.
     */
    private Mono<Void> checkReferences(String name, ManifestDocument doc) {
        List<Digest> blobs = doc.blobs().stream().map(Descriptor::digest).distinct().toList();
        List<Digest> manifests = doc.manifests().stream().map(Descriptor::digest).distinct().toList();
        return tables.missing(name, blobs, manifests).flatMap(missing -> Flux.fromIterable(doc.blobs())
                .filter(d -> !missing.contains(d.digest()))
                .concatMap(d -> store.info(d.digest())
                        .flatMap(info -> info.size() == d.size() ? Mono.<Digest>empty()
                                : Mono.<Digest>error(RegistryError.MANIFEST_INVALID.withDetail("descriptor of "
                                + d.digest() + " says " + d.size() + " bytes, the blob has " + info.size())))
                        .onErrorResume(e -> ContentException.is(e, ErrorCode.NOT_FOUND), e -> Mono.just(d.digest())))
                .collectList()
                .flatMap(gone -> {
                    Set<Digest> all = new LinkedHashSet<>(missing);
                    all.addAll(gone);
                    if (all.isEmpty()) {
                        return Mono.empty();
                    }
                    List<Object> details = all.stream().<Object>map(d -> Map.of("digest", d.toString())).toList();
                    return Mono.error(new RegistryException(RegistryError.MANIFEST_BLOB_UNKNOWN, details));
                }));
    }

    Mono<Void> delete(Exchange x, String name, Reference ref) {
        Mono<Boolean> deleted = ref.tag() != null ? tables.deleteTag(name, ref.tag())
                : tables.deleteManifest(name, ref.digest());
        return deleted.flatMap(d -> d ? x.empty(HttpResponseStatus.ACCEPTED, Map.of())
                : tables.repositoryExists(name).flatMap(exists -> Mono.error(exists ? unknown(name, ref)
                        : RegistryError.NAME_UNKNOWN.withDetail(Map.of("name", name)))));
    }

    static RegistryException unknown(String name, Reference ref) {
        return RegistryError.MANIFEST_UNKNOWN.withDetail(Map.of("name", name,
                ref.tag() != null ? "tag" : "digest", ref.tag() != null ? ref.tag() : ref.digest().toString()));
    }
}
