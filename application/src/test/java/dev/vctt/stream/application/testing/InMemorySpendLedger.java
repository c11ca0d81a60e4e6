package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.BudgetLimit;
import dev.vctt.stream.application.port.out.LedgerEntry;
import dev.vctt.stream.application.port.out.Reservation;
import dev.vctt.stream.application.port.out.Settlement;
import dev.vctt.stream.application.port.out.SpendLedger;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.cost.BudgetDecision;
import dev.vctt.stream.domain.cost.BudgetPolicy;
import dev.vctt.stream.domain.cost.BudgetScope;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.session.SessionId;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The spend ledger in memory: reservations are atomic because every method holds the one lock. */
public final class InMemorySpendLedger implements SpendLedger {

    private record Account(String name, LocalDate day) {
    }

    private record Held(List<Account> accounts, Usd amount) {
    }

    private final Map<Account, Usd> spent = new HashMap<>();
    private final Map<Account, Usd> reserved = new HashMap<>();
    private final Map<SessionId, Held> holds = new HashMap<>();
    private final Map<SessionId, Map<Integer, LedgerEntry>> entries = new HashMap<>();

    @Override
    public synchronized BudgetDecision reserve(Reservation reservation) {
        var accounts = new ArrayList<Account>();
        for (BudgetLimit limit : reservation.limits()) {
            Account account = account(limit.scope(), reservation.apiKey(), reservation.day());
            BudgetDecision decision = BudgetPolicy.decide(limit.scope(), limit.daily(),
                    spent.getOrDefault(account, Usd.ZERO), reserved.getOrDefault(account, Usd.ZERO), reservation.amount());
            if (decision instanceof BudgetDecision.Refused) {
                return decision;
            }
            accounts.add(account);
        }
        accounts.forEach(account -> reserved.merge(account, reservation.amount(), Usd::plus));
        holds.put(reservation.session(), new Held(accounts, reservation.amount()));
        return new BudgetDecision.Allowed();
    }

    @Override
    public synchronized BudgetDecision extend(Reservation more) {
        Held before = holds.remove(more.session());
        BudgetDecision decision = reserve(more);
        if (before != null) {
            Held added = holds.remove(more.session());
            holds.put(more.session(), added == null ? before : new Held(before.accounts(), before.amount().plus(added.amount())));
        }
        return decision;
    }

    @Override
    public synchronized void settle(Settlement settlement) {
        Map<Integer, LedgerEntry> recorded = entries.computeIfAbsent(settlement.session(), s -> new HashMap<>());
        Usd added = Usd.ZERO;
        for (LedgerEntry entry : settlement.entries()) {
            if (recorded.putIfAbsent(entry.attempt(), entry) == null) {
                added = added.plus(entry.metering().cost());
            }
        }
        for (Account account : accountsOf(settlement.apiKey(), settlement.day())) {
            spent.merge(account, added, Usd::plus);
        }
        Held held = holds.remove(settlement.session());
        if (held != null) {
            held.accounts().forEach(account -> reserved.merge(account, held.amount(), Usd::minus));
        }
    }

    public synchronized Usd spentToday(Optional<ApiKeyId> key, BudgetScope scope, LocalDate day) {
        return spent.getOrDefault(account(scope, key, day), Usd.ZERO);
    }

    public synchronized Usd reservedToday(Optional<ApiKeyId> key, BudgetScope scope, LocalDate day) {
        return reserved.getOrDefault(account(scope, key, day), Usd.ZERO);
    }

    public synchronized List<LedgerEntry> entriesOf(SessionId session) {
        return List.copyOf(entries.getOrDefault(session, Map.of()).values());
    }

    private static List<Account> accountsOf(Optional<ApiKeyId> key, LocalDate day) {
        var accounts = new ArrayList<Account>(2);
        key.ifPresent(k -> accounts.add(new Account("key:" + k.value(), day)));
        accounts.add(new Account("global", day));
        return accounts;
    }

    private static Account account(BudgetScope scope, Optional<ApiKeyId> key, LocalDate day) {
        return scope == BudgetScope.KEY ? new Account("key:" + key.orElseThrow().value(), day) : new Account("global", day);
    }
}
