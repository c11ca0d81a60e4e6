package dev.vctt.stream.adapters.websocket.testing;

import static dev.vctt.stream.application.testing.TestCatalog.GPT_4O;

import dev.vctt.stream.adapters.websocket.WebServer;
import dev.vctt.stream.adapters.websocket.WebServerSettings;
import dev.vctt.stream.adapters.websocket.connection.StreamingUseCases;
import dev.vctt.stream.adapters.websocket.http.HttpUseCases;
import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.application.port.in.AuthenticateClientUseCase;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.service.ActiveStreams;
import dev.vctt.stream.application.service.BudgetSettings;
import dev.vctt.stream.application.service.CancelStreamService;
import dev.vctt.stream.application.service.ConnectClientService;
import dev.vctt.stream.application.service.CheckHealthService;
import dev.vctt.stream.application.service.CountActiveStreamsService;
import dev.vctt.stream.application.service.LiveKeys;
import dev.vctt.stream.application.service.QuerySessionsService;
import dev.vctt.stream.application.service.QueryStatsService;
import dev.vctt.stream.application.service.ResumeSettings;
import dev.vctt.stream.application.service.ResumeStreamService;
import dev.vctt.stream.application.service.StartStreamService;
import dev.vctt.stream.application.service.StreamDependencies;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.InMemoryBandStore;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.InMemoryChunkLog;
import dev.vctt.stream.application.testing.InMemorySpendLedger;
import dev.vctt.stream.application.testing.NoTokenizer;
import dev.vctt.stream.application.testing.SequentialIds;
import dev.vctt.stream.application.testing.SleepingScheduler;
import dev.vctt.stream.application.testing.TestCatalog;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ProviderId;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The web adapter over the real application services, every role routed to one provider, with
 * in-memory stores: what the adapter's integration tests drive through real sockets.
 */
public final class TestWebServer {

    private TestWebServer() {
    }

    /**
     * Builds and starts the server; it listens on {@link WebServer#port()} when this returns. A client
     * that leaves has its streams cancelled with no grace: these tests are about the adapter, and the
     * grace is the application's (tested there and in {@code StreamResumeIT}).
     */
    public static WebServer start(WebServerSettings settings, RequestLimits limits, LlmProvider provider,
                                  ActiveStreams active, AuthenticateClientUseCase authenticate, InMemorySessionStore sessions,
                                  MicrometerStreamMetrics metrics) {
        return start(settings, limits, provider, active, authenticate, sessions, metrics,
                ResumeSettings.DEFAULTS.withGrace(Duration.ZERO));
    }

    /** The same, with the revocations the stream use case heeds (those of {@code authenticate}'s keys). */
    public static WebServer start(WebServerSettings settings, RequestLimits limits, LlmProvider provider,
                                  ActiveStreams active, AuthenticateClientUseCase authenticate, LiveKeys liveKeys,
                                  InMemorySessionStore sessions, MicrometerStreamMetrics metrics) {
        return start(settings, limits, provider, active, authenticate, liveKeys, sessions, metrics,
                ResumeSettings.DEFAULTS.withGrace(Duration.ZERO));
    }

    /** The same, with the given resume settings. */
    public static WebServer start(WebServerSettings settings, RequestLimits limits, LlmProvider provider,
                                  ActiveStreams active, AuthenticateClientUseCase authenticate,
                                  InMemorySessionStore sessions, MicrometerStreamMetrics metrics, ResumeSettings resume) {
        return start(settings, limits, provider, active, authenticate,
                new LiveKeys(new InMemoryApiKeyStore(), new SleepingScheduler(), Duration.ofSeconds(5)), sessions, metrics,
                resume);
    }

    private static WebServer start(WebServerSettings settings, RequestLimits limits, LlmProvider provider,
                                   ActiveStreams active, AuthenticateClientUseCase authenticate, LiveKeys liveKeys,
                                   InMemorySessionStore sessions, MicrometerStreamMetrics metrics, ResumeSettings resume) {
        var chunkLog = new InMemoryChunkLog(Clock.systemUTC());
        var start = new StartStreamService(new RequestPolicy(limits), TestCatalog.everyRoleTo(GPT_4O), BudgetSettings.NONE,
                new StreamDependencies(Map.<ProviderId, LlmProvider>of(ProviderId.OPENAI, provider), TestCatalog.prices(),
                        new NoTokenizer(), new FallbackRule(Duration.ZERO), new SleepingScheduler(), sessions,
                        new InMemorySpendLedger(), metrics, Clock.systemUTC(), active, chunkLog, resume),
                new SequentialIds(), liveKeys);
        var streams = new CountActiveStreamsService(active);
        var server = new WebServer(settings,
                new StreamingUseCases(authenticate, start, new CancelStreamService(active),
                        new ResumeStreamService(active, sessions, chunkLog, Clock.systemUTC(), resume, liveKeys), streams,
                        new ConnectClientService(active)),
                new HttpUseCases(new CheckHealthService(active, sessions), authenticate, new QuerySessionsService(sessions),
                        new QueryStatsService(sessions, new InMemoryBandStore(), new InMemoryApiKeyStore())), metrics, Clock.systemUTC());
        server.start();
        return server;
    }
}
