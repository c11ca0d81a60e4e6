package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.CheckHealthUseCase;
import dev.vctt.stream.application.port.in.HealthReport;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.application.port.out.ToolExecutor;

/** Counts running streams and asks the session store whether it answers. */
public final class CheckHealthService implements CheckHealthUseCase {

    private final ActiveStreams active;
    private final SessionQueries sessions;

    private final ToolExecutor tools;

    public CheckHealthService(ActiveStreams active, SessionQueries sessions) {
        this(active, sessions, NoTools.INSTANCE);
    }

    public CheckHealthService(ActiveStreams active, SessionQueries sessions, ToolExecutor tools) {
        this.active = active;
        this.sessions = sessions;
        this.tools = tools;
    }

    @Override
    public HealthReport check() {
        return new HealthReport(active.count(), sessions.reachable(), tools.servers());
    }
}
