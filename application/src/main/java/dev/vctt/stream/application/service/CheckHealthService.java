package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.ProviderHealth;
import java.util.TreeMap;
import dev.vctt.stream.application.port.in.CheckHealthUseCase;
import dev.vctt.stream.application.port.in.HealthReport;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.application.port.out.ToolExecutor;

/** Counts running streams and asks the session store whether it answers. */
public final class CheckHealthService implements CheckHealthUseCase {

    private final ActiveStreams active;
    private final SessionQueries sessions;
    private final ProviderHealth providers;

    private final ToolExecutor tools;

    public CheckHealthService(ActiveStreams active, SessionQueries sessions) {
        this(active, sessions, ProviderHealth.NONE, NoTools.INSTANCE);
    }

    public CheckHealthService(ActiveStreams active, SessionQueries sessions, ProviderHealth providers) {
        this(active, sessions, providers, NoTools.INSTANCE);
    }

    public CheckHealthService(ActiveStreams active, SessionQueries sessions, ProviderHealth providers,
                              ToolExecutor tools) {
        this.active = active;
        this.sessions = sessions;
        this.providers = providers;
        this.tools = tools;
    }

    @Override
    public HealthReport check() {
        var endpoints = new TreeMap<String, Boolean>();
        providers.healthyByEndpoint().forEach((id, healthy) -> endpoints.put(id.value(), healthy));
        return new HealthReport(active.count(), sessions.reachable(), endpoints, tools.servers());
    }
}
