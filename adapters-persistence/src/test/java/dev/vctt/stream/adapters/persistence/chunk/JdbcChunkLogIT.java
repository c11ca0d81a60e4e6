package dev.vctt.stream.adapters.persistence.chunk;

import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.port.out.ChunkLog;
import dev.vctt.stream.application.port.out.ChunkLogContract;
import java.time.InstantSource;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcChunkLogIT extends ChunkLogContract {

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    @Override
    protected ChunkLog newLog(InstantSource clock) {
        return new JdbcChunkLog(fixture.database.dataSource(), fixture.writer);
    }
}
