package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.SessionOpened;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.cost.Price;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.StreamRequest;
import dev.vctt.stream.domain.request.Temperature;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.session.Attempt;
import dev.vctt.stream.domain.session.AttemptEnd;
import dev.vctt.stream.domain.session.Cancelled;
import dev.vctt.stream.domain.session.Completed;
import dev.vctt.stream.domain.session.Failed;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.Pending;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Sessions for store tests: opened, then completed, cancelled, failed or fallen back. */
public final class TestSessions {

    public static final Price GPT_PRICE = Price.perMillion("2.50", "10.00");
    public static final Price CLAUDE_PRICE = Price.perMillion("3.00", "15.00");

    private TestSessions() {
    }

    public static StreamRequest request(AgentRole role, String message) {
        return new StreamRequest(message, Optional.of("Be brief."), new Temperature(0.5), role, true,
                List.of(new ChatTurn(ChatRole.USER, "Hi"), new ChatTurn(ChatRole.ASSISTANT, "Hello!")), OptionalInt.of(100));
    }

    public static SessionOpened opened(SessionId id, Caller caller, AgentRole role, Instant at) {
        return new SessionOpened(id, ClientId.of("client-1"), caller, request(role, "What is 2+2?"), Optional.of("r-" + id),
                TestCatalog.GPT_4O, TokenCount.of(20), at);
    }

    public static Pending pending(SessionId id, AgentRole role, Instant at) {
        return Pending.start(id, role, at, Attempt.start(TestCatalog.GPT_4O, GPT_PRICE, TokenCount.of(20)));
    }

    /** 20 in + 2 out reported: $0.00007. */
    public static Completed completed(SessionId id, AgentRole role, Instant at, long firstTokenMillis) {
        return pending(id, role, at).append("Four", at.plusMillis(firstTokenMillis)).append(".", at.plusMillis(firstTokenMillis + 5))
                .report(ReportedUsage.of(20, 2)).complete(FinishReason.STOP, at.plusMillis(firstTokenMillis + 50));
    }

    public static Cancelled cancelled(SessionId id, Instant at) {
        return pending(id, AgentRole.PRIMARY, at).append("Fo", at.plusMillis(30)).cancel(at.plusMillis(40));
    }

    public static Failed failed(SessionId id, Instant at) {
        return pending(id, AgentRole.ANALYST, at).fail(FailureKind.UNAUTHORIZED, "HTTP 401 unauthorized: bad key",
                at.plusMillis(10));
    }

    /** GPT fails before its first chunk, Claude answers: two attempts. */
    public static Completed fellBack(SessionId id, Instant at) {
        ModelRoute claude = TestCatalog.CLAUDE;
        return pending(id, AgentRole.ETHICS, at)
                .fallBackTo(Attempt.start(claude, CLAUDE_PRICE, TokenCount.of(22)),
                        new AttemptEnd.Failed(FailureKind.OVERLOADED, "HTTP 503 overloaded"))
                .append("Four.", at.plusMillis(300)).report(ReportedUsage.of(22, 2))
                .complete(FinishReason.STOP, at.plusMillis(400));
    }

    /** GPT loses its connection, Claude is overloaded, Grok answers: two fallbacks of two kinds. */
    public static Completed fellBackTwice(SessionId id, Instant at) {
        return pending(id, AgentRole.PRIMARY, at)
                .fallBackTo(Attempt.start(TestCatalog.CLAUDE, CLAUDE_PRICE, TokenCount.of(22)),
                        new AttemptEnd.Failed(FailureKind.CONNECTION_LOST, "dropped"))
                .fallBackTo(Attempt.start(TestCatalog.GROK, GPT_PRICE, TokenCount.of(21)),
                        new AttemptEnd.Failed(FailureKind.OVERLOADED, "HTTP 529 overloaded"))
                .append("Four.", at.plusMillis(500)).report(ReportedUsage.of(21, 2))
                .complete(FinishReason.STOP, at.plusMillis(600));
    }

    /** GPT gives no first token in time, Claude then refuses the key: one fallback, then the session fails. */
    public static Failed fellBackThenFailed(SessionId id, Instant at) {
        return pending(id, AgentRole.ANALYST, at)
                .fallBackTo(Attempt.start(TestCatalog.CLAUDE, CLAUDE_PRICE, TokenCount.of(22)),
                        new AttemptEnd.Failed(FailureKind.TIMEOUT_FIRST_TOKEN, "no first token"))
                .fail(FailureKind.UNAUTHORIZED, "HTTP 401 unauthorized", at.plusMillis(700));
    }
}
