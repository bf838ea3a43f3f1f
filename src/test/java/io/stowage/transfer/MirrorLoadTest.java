package io.stowage.transfer;

import org.junit.jupiter.api.Test;

/**
 * The load case: 256 concurrent clients of one uncached 64 MiB layer through the mirror, one upstream
 * transfer, first bytes before the upload ends, correct bytes for all. Heavy (16 GiB to the clients): run in its
 * own surefire execution ({@code mvn verify}), excluded from the default one.
 */
class MirrorLoadTest extends MirrorTestBase {

    @Test
    void twoHundredFiftySixClientsOfAnUncached64MiBLayerShareOneUpstreamTransfer() throws Exception {
        manyClientsShareOneUpstreamTransfer(256, 64 << 20);
    }
}
