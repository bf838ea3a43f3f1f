package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * When {@link ClientWatch} cuts a client that takes nothing: output that has waited a whole idle timeout, not output
 * queued just before the idle event (on a connection that was quiet both ways, as a write session waiting for its
 * client's next frame is when the server sends its last answer).
 */
class ClientWatchTest {
    private static final Duration IDLE = Duration.ofSeconds(1);

    /** A channel watched by a ClientWatch, on a clock that moves only when told. */
    private static EmbeddedChannel watched() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addFirst(new ClientWatch(IDLE));
        return ch;
    }

    @Test
    void outputQueuedJustBeforeTheIdleEventGetsAnotherPeriod() {
        EmbeddedChannel ch = watched();
        ch.advanceTimeBy(900, TimeUnit.MILLISECONDS);
        ch.write(Unpooled.wrappedBuffer(new byte[172]));   // queued, not flushed: pending output
        ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("the answer had waited 200 ms, not the idle timeout").isTrue();

        ch.advanceTimeBy(1100, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("none of it moved for a whole period").isFalse();
    }

    @Test
    void aQuietConnectionWithNothingToSendIsLeftOpen() {
        EmbeddedChannel ch = watched();
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
    }
}
