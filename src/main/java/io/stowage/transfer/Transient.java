package io.stowage.transfer;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import reactor.util.retry.Retry;

/**
 * Which failures are worth retrying: connection errors (refused, reset, closed early), stalls (timeouts), and
 * registry answers 408, 429 and 5xx. Errors of the content store and other registry answers are not.
 */
final class Transient {
    private Transient() {
    }

    static boolean is(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RegistryError re) {
                return re.isTransient();
            }
            if (c instanceof io.stowage.content.ContentException) {
                return false;
            }
            if (c instanceof IOException || c instanceof TimeoutException || c instanceof AbortedException
                    || c instanceof io.netty.handler.timeout.TimeoutException
                    || c instanceof io.netty.channel.ChannelException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /** Retries transient failures up to {@code maxRetries} times in a row, with jittered backoff. */
    static Retry retry(TransferOptions o) {
        return Retry.from(signals -> signals.concatMap(s -> {
            if (!is(s.failure()) || s.totalRetriesInARow() >= o.maxRetries()) {
                return Mono.error(s.failure());
            }
            return Mono.delay(Backoff.delay(o, (int) s.totalRetriesInARow() + 1));
        }));
    }
}
