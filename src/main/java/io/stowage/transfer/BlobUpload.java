package io.stowage.transfer;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Descriptor;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One blob pushed from the store to a registry:
 * <ol>
 *   <li>{@code HEAD /v2/NAME/blobs/DIGEST}: 200 means it is there;</li>
 *   <li>for each repository of the same registry named by the blob's
 *       {@code containerd.io/distribution.source.REGISTRY} label, {@code POST .../blobs/uploads/?mount=D&from=R}:
 *       201 means mounted; a 202 starts an upload session instead;</li>
 *   <li>otherwise {@code POST .../blobs/uploads/} starts one; then {@code PATCH} chunks of
 *       {@link TransferOptions#chunkSize()} with {@code Content-Range: START-END} and Content-Length, each read from
 *       the store, following the Location of each answer; then {@code PUT LOCATION?digest=D};</li>
 *   <li>after a transient failure the session is asked where it stands ({@code GET LOCATION}, its {@code Range:
 *       0-END}) and the upload continues from there; a session the registry no longer knows (404, or 400/416
 *       after a cut chunk) is replaced by a new one from byte 0. At most {@code maxRetries} failures in a row
 *       without progress.</li>
 * </ol>
 */
final class BlobUpload {
    private static final Pattern RANGE = Pattern.compile("(?:bytes=)?(\\d+)-(\\d+)");

    private final RegistryClient client;
    private final ContentStore store;
    private final Descriptor desc;
    private final TransferListener listener;
    private final AtomicLong sent = new AtomicLong();
    /** The session URL of the last answer, and the bytes the registry confirmed: where a resume starts. */
    private volatile String session;
    private volatile long confirmed;

    BlobUpload(RegistryClient client, ContentStore store, Descriptor desc, TransferListener listener) {
        this.client = client;
        this.store = store;
        this.desc = desc;
        this.listener = listener;
    }

    Mono<Void> run() {
        return exists()
                .flatMap(there -> there ? Mono.fromRunnable(() -> listener.onEvent(BlobEvent.of(desc, BlobState.EXISTS)))
                        : store.info(desc.digest()).flatMap(this::mountOrUpload))
                .doOnError(e -> listener.onEvent(new BlobEvent(desc, BlobState.ERROR, -1, e.getMessage())))
                .then();
    }

    private Mono<Boolean> exists() {
        return client.fetch(RegistryClient.Request.of(HttpMethod.HEAD, client.url("blobs/" + desc.digest())),
                client.scopes(true), 0, 404).map(r -> r.status() == 200);
    }

    private Mono<Void> mountOrUpload(Info info) {
        Reference ref = client.reference();
        String label = info.labels().get(GcLabels.sourceKey(ref.registry()));
        List<String> sources = new ArrayList<>();
        if (label != null) {
            for (String repo : label.split(",")) {
                if (!repo.isEmpty() && !repo.equals(ref.repository())) {
                    sources.add(repo);
                }
            }
        }
        return tryMounts(sources, 0);
    }

    private Mono<Void> tryMounts(List<String> sources, int i) {
        if (i >= sources.size()) {
            return start(null).flatMap(location -> upload(location, 0, 0));
        }
        return start(sources.get(i)).flatMap(location -> {
            if (location.isEmpty()) {
                listener.onEvent(new BlobEvent(desc, BlobState.EXISTS, desc.size(), "mounted from " + sources.get(i)));
                return Mono.empty();
            }
            return upload(location, 0, 0);
        }).onErrorResume(e -> ContentException.is(e, ErrorCode.FAILED_PRECONDITION) && i < sources.size(),
                e -> tryMounts(sources, i + 1));
    }

    /** POSTs an upload (with a mount from {@code from} when given): the session URL, or "" when mounted. */
    private Mono<String> start(String from) {
        String url = client.url("blobs/uploads/");
        List<String> scopes = new ArrayList<>(client.scopes(true));
        if (from != null) {
            url += "?mount=" + URLEncoder.encode(desc.digest().toString(), StandardCharsets.UTF_8) + "&from="
                    + URLEncoder.encode(from, StandardCharsets.UTF_8);
            scopes.add("repository:" + from + ":pull");
        }
        RegistryClient.Request r = RegistryClient.Request.of(HttpMethod.POST, url)
                .with(HttpHeaderNames.CONTENT_LENGTH.toString(), "0");
        return client.fetch(r, scopes, 64 << 10).map(res -> {
            if (res.status() == 201) {
                return "";
            }
            if (res.status() != 202) {
                throw RegistryError.of(r.toString(), res.status(), res.body());
            }
            return client.resolve(res.header(HttpHeaderNames.LOCATION));
        });
    }

    /** Sends the chunks from {@code offset} on, then completes the upload. */
    private Mono<Void> upload(String location, long offset, int failures) {
        listener.onEvent(new BlobEvent(desc, BlobState.UPLOADING, offset, null));
        sent.set(offset);
        session = location;
        confirmed = offset;
        return chunks(location, offset)
                .flatMap(this::finish)
                .onErrorResume(Transient::is, e -> recover(offset, failures, e));
    }

    /** PATCHes chunks one after another; emits the session URL after the last one. */
    private Mono<String> chunks(String location, long offset) {
        if (offset >= desc.size()) {
            return Mono.just(location);
        }
        long end = Math.min(desc.size(), offset + client.options().chunkSize()) - 1;
        long length = end - offset + 1;
        RegistryClient.Request r = RegistryClient.Request.of(HttpMethod.PATCH, location)
                .with(HttpHeaderNames.CONTENT_TYPE.toString(), "application/octet-stream")
                .with(HttpHeaderNames.CONTENT_RANGE.toString(), offset + "-" + end)
                .with(HttpHeaderNames.CONTENT_LENGTH.toString(), Long.toString(length))
                .withBody(() -> store.read(desc.digest(), offset, length)
                        .doOnNext(b -> listener.onEvent(new BlobEvent(desc, BlobState.UPLOADING,
                                sent.addAndGet(b.remaining()), null)))
                        .map(Unpooled::wrappedBuffer));
        return send(r, 202).flatMap(res -> {
            String next = client.resolve(res.header(HttpHeaderNames.LOCATION));
            session = next;
            confirmed = end + 1;
            return chunks(next, end + 1);
        });
    }

    private Mono<Void> finish(String location) {
        String url = location + (location.contains("?") ? "&" : "?") + "digest="
                + URLEncoder.encode(desc.digest().toString(), StandardCharsets.UTF_8);
        RegistryClient.Request r = RegistryClient.Request.of(HttpMethod.PUT, url)
                .with(HttpHeaderNames.CONTENT_LENGTH.toString(), "0");
        return send(r, 201, 204).then(Mono.fromRunnable(() -> listener.onEvent(BlobEvent.of(desc, BlobState.DONE))));
    }

    /** After a transient failure: where does the session stand? Continue there, or start a new session. */
    private Mono<Void> recover(long before, int failures, Throwable cause) {
        return Mono.defer(() -> {
            String location = session;
            int inARow = confirmed > before ? 1 : failures + 1;
            if (inARow > client.options().maxRetries()) {
                return Mono.error(new ContentException(ErrorCode.UNAVAILABLE, "push of " + desc.digest()
                        + ": giving up after " + inARow + " failures in a row: " + cause, cause));
            }
            listener.onEvent(new BlobEvent(desc, BlobState.UPLOADING, confirmed, "retrying after: " + cause));
            return Mono.delay(Backoff.delay(client.options(), inARow))
                    .then(send(RegistryClient.Request.of(HttpMethod.GET, location), 204))
                    .flatMap(res -> {
                        long offset = offsetOf(res.header(HttpHeaderNames.RANGE));
                        String next = res.header(HttpHeaderNames.LOCATION) == null ? location
                                : client.resolve(res.header(HttpHeaderNames.LOCATION));
                        listener.onEvent(new BlobEvent(desc, BlobState.UPLOADING, offset, "resuming the upload"
                                + " session at byte " + offset));
                        return upload(next, offset, offset > before ? 0 : inARow);
                    })
                    .onErrorResume(e -> e instanceof RegistryError re && !re.isTransient(), e -> {
                        listener.onEvent(new BlobEvent(desc, BlobState.UPLOADING, 0, "upload session lost ("
                                + e.getMessage() + "): starting a new one"));
                        return start(null).flatMap(fresh -> upload(fresh, 0, inARow));
                    });
        });
    }

    /** The next byte of a session from its {@code Range: 0-END} (END is the last byte held). */
    private static long offsetOf(String range) {
        if (range == null) {
            return 0;
        }
        Matcher m = RANGE.matcher(range.strip());
        if (!m.matches()) {
            return 0;
        }
        long end = Long.parseLong(m.group(2));
        // distribution answers 0-0 for an empty session as well as for one byte: one byte is re-sent at worst
        return end == 0 ? 0 : end + 1;
    }

    /** One request without retries; statuses other than {@code ok} fail as RegistryError. */
    private Mono<RegistryClient.Response> send(RegistryClient.Request r, int... ok) {
        return client.exchange(r, client.scopes(true), (res, body) -> body.aggregate().asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .map(b -> {
                            int st = res.status().code();
                            for (int s : ok) {
                                if (s == st) {
                                    return new RegistryClient.Response(st, res.responseHeaders(), b);
                                }
                            }
                            throw RegistryError.of(r.toString(), st, b);
                        }))
                .next();
    }
}
