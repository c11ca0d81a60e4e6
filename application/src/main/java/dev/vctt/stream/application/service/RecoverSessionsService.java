package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.RecoverSessionsUseCase;
import dev.vctt.stream.application.port.out.LedgerEntry;
import dev.vctt.stream.application.port.out.RunningSession;
import dev.vctt.stream.application.port.out.SessionProgress;
import dev.vctt.stream.application.port.out.Settlement;
import dev.vctt.stream.application.port.out.SpendLedger;
import dev.vctt.stream.application.port.out.StreamLeases;
import dev.vctt.stream.domain.cost.CostPolicy;
import dev.vctt.stream.domain.cost.Metering;
import dev.vctt.stream.domain.cost.Price;
import dev.vctt.stream.domain.cost.PriceTable;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.routing.ModelRoute;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the sessions a crash left running: at start-up, and, when several servers share the
 * database, periodically on every node, those whose owner's lease ran out. Each is marked interrupted
 * with the partial text of its last progress record (the take-over is one atomic claim, so each
 * session is closed by exactly one node), and billed, as an estimate, for what that record says it
 * consumed (its input at least: a stream is never billed at zero); the reservation it held is released.
 */
public final class RecoverSessionsService implements RecoverSessionsUseCase {

    private static final Logger log = LoggerFactory.getLogger(RecoverSessionsService.class);

    private final StreamLeases leases;
    private final SpendLedger ledger;
    private final PriceTable prices;
    private final InstantSource clock;

    public RecoverSessionsService(StreamLeases leases, SpendLedger ledger, PriceTable prices, InstantSource clock) {
        this.leases = leases;
        this.ledger = ledger;
        this.prices = prices;
        this.clock = clock;
    }

    @Override
    public int recover() {
        Instant now = clock.instant();
        List<RunningSession> left = leases.takeOverAbandoned(now);
        for (RunningSession session : left) {
            ModelRoute model = session.lastProgress().map(SessionProgress::model).orElse(session.firstModel());
            TokenCount input = session.lastProgress().map(SessionProgress::inputEstimate).orElse(session.inputEstimate());
            TokenCount output = session.lastProgress().map(SessionProgress::outputSoFar).orElse(TokenCount.ZERO);
            int attempt = session.lastProgress().map(SessionProgress::attempts).filter(n -> n > 0).orElse(1);
            Metering metering = CostPolicy.meter(prices.entryFor(model.model()).map(e -> e.price())
                    .orElse(Price.FREE), input, output, ReportedUsage.NOTHING);
            Instant at = session.lastProgress().map(SessionProgress::at).orElse(session.startedAt());
            ledger.settle(new Settlement(session.id(), session.apiKey(),
                    LocalDate.ofInstant(session.startedAt(), ZoneOffset.UTC),
                    List.of(new LedgerEntry(attempt, model, metering, at))));
        }
        if (!left.isEmpty()) {
            log.warn("{} session(s) left running by a server that is gone were marked interrupted", left.size());
        }
        return left.size();
    }
}
