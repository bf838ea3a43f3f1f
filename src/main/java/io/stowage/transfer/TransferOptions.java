package io.stowage.transfer;

import io.stowage.content.ContentException;
import io.stowage.net.BodyPieces;
import io.stowage.net.ClientSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * How pulls and pushes talk to registries. Immutable; start from {@link #defaults()} and change with the
 * {@code with} methods.
 *
 * @param plainHttp talk {@code http://} instead of {@code https://} to registries
 * @param credentials where user names and passwords come from
 * @param concurrency how many blobs are transferred at once (at least 1)
 * @param stallTimeout a transfer that receives nothing for this long is cut and retried
 * @param maxRetries how many times in a row a request or a blob transfer is retried after a transient failure
 *                   (connection errors, 408/429/5xx, stalls) that made no progress; progress resets the count
 * @param minBackoff the first retry delay, doubled on each retry (with jitter: a random delay between half and
 *                   all of it)
 * @param maxBackoff the longest retry delay
 * @param platform the platform to pull from an index; null with {@code allPlatforms}
 * @param allPlatforms pull every manifest of an index
 * @param chunkSize the size of each PATCH of a chunked upload
 * @param caCertificate PEM file of the CAs that registry certificates are checked against instead of the system
 *                      trust store, or null
 */
public record TransferOptions(boolean plainHttp, Credentials credentials, int concurrency, Duration stallTimeout,
                              int maxRetries, Duration minBackoff, Duration maxBackoff, Platform platform,
                              boolean allPlatforms, int chunkSize, Path caCertificate) {
    public static final int DEFAULT_CONCURRENCY = 3;
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final int DEFAULT_CHUNK_SIZE = 8 << 20;

    public TransferOptions {
        Objects.requireNonNull(credentials, "credentials");
        if (concurrency < 1) {
            throw ContentException.invalidArgument("concurrency " + concurrency + ": at least 1");
        }
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw ContentException.invalidArgument("stall timeout " + stallTimeout + ": must be positive");
        }
        if (maxRetries < 0) {
            throw ContentException.invalidArgument("retries " + maxRetries + ": must not be negative");
        }
        if (chunkSize < 1) {
            throw ContentException.invalidArgument("chunk size " + chunkSize + ": at least 1");
        }
        if (!allPlatforms) {
            Objects.requireNonNull(platform, "platform");
        }
    }

    /**
     * https, anonymous, {@value #DEFAULT_CONCURRENCY} blobs at once, stall timeout 30 s, 5 retries from 200 ms up
     * to 10 s, this machine's platform, 8 MiB upload chunks.
     */
    public static TransferOptions defaults() {
        return new TransferOptions(false, Credentials.anonymous(), DEFAULT_CONCURRENCY, DEFAULT_STALL_TIMEOUT,
                DEFAULT_MAX_RETRIES, Duration.ofMillis(200), Duration.ofSeconds(10), Platform.current(), false,
                DEFAULT_CHUNK_SIZE, null);
    }

    public TransferOptions withPlainHttp(boolean v) {
        return new TransferOptions(v, credentials, concurrency, stallTimeout, maxRetries, minBackoff, maxBackoff,
                platform, allPlatforms, chunkSize, caCertificate);
    }

    public TransferOptions withCredentials(Credentials v) {
        return new TransferOptions(plainHttp, v, concurrency, stallTimeout, maxRetries, minBackoff, maxBackoff,
                platform, allPlatforms, chunkSize, caCertificate);
    }

    public TransferOptions withConcurrency(int v) {
        return new TransferOptions(plainHttp, credentials, v, stallTimeout, maxRetries, minBackoff, maxBackoff,
                platform, allPlatforms, chunkSize, caCertificate);
    }

    public TransferOptions withStallTimeout(Duration v) {
        return new TransferOptions(plainHttp, credentials, concurrency, v, maxRetries, minBackoff, maxBackoff,
                platform, allPlatforms, chunkSize, caCertificate);
    }

    public TransferOptions withRetries(int max, Duration min, Duration maxDelay) {
        return new TransferOptions(plainHttp, credentials, concurrency, stallTimeout, max, min, maxDelay,
                platform, allPlatforms, chunkSize, caCertificate);
    }

    /** Pull only the manifest of {@code v} from an index. */
    public TransferOptions withPlatform(Platform v) {
        return new TransferOptions(plainHttp, credentials, concurrency, stallTimeout, maxRetries, minBackoff,
                maxBackoff, Objects.requireNonNull(v, "platform"), false, chunkSize, caCertificate);
    }

    /** Pull every manifest of an index. */
    public TransferOptions withAllPlatforms() {
        return new TransferOptions(plainHttp, credentials, concurrency, stallTimeout, maxRetries, minBackoff,
                maxBackoff, null, true, chunkSize, caCertificate);
    }

    public TransferOptions withChunkSize(int v) {
        return new TransferOptions(plainHttp, credentials, concurrency, stallTimeout, maxRetries, minBackoff,
                maxBackoff, platform, allPlatforms, v, caCertificate);
    }

    /** Registry certificates checked against the CAs of this PEM file instead of the system's (null: system). */
    public TransferOptions withCaCertificate(Path v) {
        return new TransferOptions(plainHttp, credentials, concurrency, stallTimeout, maxRetries, minBackoff,
                maxBackoff, platform, allPlatforms, chunkSize, v);
    }

    /** The HTTP client of a puller or pusher: TLS with this trust unless plain HTTP, the stall timeout. */
    HttpClient httpClient(ConnectionProvider pool) {
        HttpClient c = HttpClient.create(pool).responseTimeout(stallTimeout)
                .httpResponseDecoder(spec -> spec.maxChunkSize(BodyPieces.MAX));
        if (!plainHttp) {
            c = new ClientSecurity(caCertificate, null).secure(c);
        }
        return c;
    }
}
