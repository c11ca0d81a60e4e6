package dev.vctt.stream.adapters.persistence.band;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.persistence.session.JdbcStreamLeases;
import dev.vctt.stream.adapters.persistence.session.JdbcStreamLeases.Takeover;
import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.port.out.BandStore;
import dev.vctt.stream.application.port.out.BandStoreContract;
import dev.vctt.stream.application.port.out.RunningBand;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.band.BandId;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcBandStoreIT extends BandStoreContract<JdbcBandStore> {

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    private static final AtomicInteger NODES = new AtomicInteger();

    private static JdbcStreamLeases node(String name, Duration lease) {
        return JdbcStreamLeases.join(fixture.database.dataSource(), name + "-" + NODES.incrementAndGet(), lease,
                Takeover.SHARED);
    }

    private static JdbcBandStore storeOf(JdbcStreamLeases node) {
        return new JdbcBandStore(fixture.database.dataSource(), fixture.writer, node.token());
    }

    @Override
    protected JdbcBandStore newStore() {
        return storeOf(node("bands", Duration.ofMinutes(5)));
    }

    @Override
    protected BandStore onAnotherNode(JdbcBandStore store) {
        return storeOf(node("other", Duration.ofMinutes(5)));
    }

    @Test
    void a_band_whose_node_lost_its_lease_runs_nowhere_and_the_take_over_forgets_it() {
        // given a band started by a node whose lease is over at once, and one by a live node
        Caller caller = Caller.of(ApiKeyId.of("key_" + UUID.randomUUID().toString().substring(0, 8)));
        BandId abandoned = BandId.of("band-" + UUID.randomUUID());
        BandId live = BandId.of("band-" + UUID.randomUUID());
        JdbcStreamLeases survivor = node("survivor", Duration.ofMinutes(5));
        JdbcBandStore seenBySurvivor = storeOf(survivor);
        storeOf(node("dead", Duration.ofMillis(1))).started(new RunningBand(abandoned, caller.apiKey(), Instant.now()));
        newStore().started(new RunningBand(live, caller.apiKey(), Instant.now()));
        holds(() -> assertThat(seenBySurvivor.runsElsewhere(live, caller)).isTrue());
        assertThat(rows(abandoned)).as("stored").isEqualTo(1);

        // then the dead node's band runs nowhere, and once a live node took over, its row is gone
        assertThat(seenBySurvivor.runsElsewhere(abandoned, caller)).isFalse();
        survivor.takeOverAbandoned(Instant.now());
        assertThat(rows(abandoned)).isZero();
        assertThat(rows(live)).as("a live node's band stays").isEqualTo(1);
    }

    private static int rows(BandId id) {
        try (var connection = fixture.database.dataSource().getConnection();
             var select = connection.prepareStatement("select count(*) from running_bands where id = ?")) {
            select.setString(1, id.value());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
