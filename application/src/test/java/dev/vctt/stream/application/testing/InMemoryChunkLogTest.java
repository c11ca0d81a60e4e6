package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.ChunkLog;
import dev.vctt.stream.application.port.out.ChunkLogContract;
import java.time.InstantSource;

/** The fake passes the same contract as the real chunk log. */
class InMemoryChunkLogTest extends ChunkLogContract {

    @Override
    protected ChunkLog newLog(InstantSource clock) {
        return new InMemoryChunkLog(clock);
    }
}
