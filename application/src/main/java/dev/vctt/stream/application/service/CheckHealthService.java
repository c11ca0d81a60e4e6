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
    private final java.util.Optional<NodeHeartbeat> node;

    public CheckHealthService(ActiveStreams active, SessionQueries sessions) {
        this(active, sessions, ProviderHealth.NONE, NoTools.INSTANCE);
    }

    public CheckHealthService(ActiveStreams active, SessionQueries sessions, ProviderHealth providers) {
        this(active, sessions, providers, NoTools.INSTANCE);
    }

    public CheckHealthService(ActiveStreams active, SessionQueries sessions, ProviderHealth providers,
                              ToolExecutor tools) {
        this(active, sessions, providers, tools, java.util.Optional.empty());
    }

    public CheckHealthService(ActiveStreams active, SessionQueries sessions, ProviderHealth providers,
                              ToolExecutor tools, java.util.Optional<NodeHeartbeat> node) {
        this.node = node;
        this.active = active;
        this.sessions = sessions;
        this.providers = providers;
        this.tools = tools;
    }

    @Override
    public HealthReport check() {
        var endpoints = new TreeMap<String, Boolean>();
        providers.healthyByEndpoint().forEach((id, healthy) -> endpoints.put(id.value(), healthy));
        int streams = active.count();
        return new HealthReport(streams, sessions.reachable(), endpoints, tools.servers(),
                node.map(n -> new HealthReport.Node(n.node().nodeId(), n.node().token(), streams,
                        n.sinceRenewed().toMillis())));
    }
}
