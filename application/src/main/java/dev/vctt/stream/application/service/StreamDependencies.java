package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.ChunkLog;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.Scheduler;
import dev.vctt.stream.application.port.out.SessionJournal;
import dev.vctt.stream.application.port.out.SpendLedger;
import dev.vctt.stream.application.port.out.StreamMetrics;
import dev.vctt.stream.application.port.out.Tokenizer;
import dev.vctt.stream.domain.cost.PriceTable;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ProviderId;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;

/**
 * What every running stream needs from the server: providers, prices, the tokenizer, the fallback
 * rule, the stores, metrics, a scheduler, time, the registry of running streams, the chunk log,
 * how long streams outlive their connections, the tools and the server's smoothing.
 */
public record StreamDependencies(Map<ProviderId, LlmProvider> providers, PriceTable prices, Tokenizer tokenizer,
                                 FallbackRule fallback, Scheduler scheduler, SessionJournal sessions, SpendLedger ledger,
                                 StreamMetrics metrics, InstantSource clock, ActiveStreams active,
                                 ChunkLog chunkLog, ResumeSettings resume, ToolSettings tools,
                                 SmoothSettings smoothing) {

    public StreamDependencies(Map<ProviderId, LlmProvider> providers, PriceTable prices, Tokenizer tokenizer,
                              FallbackRule fallback, Scheduler scheduler, SessionJournal sessions, SpendLedger ledger,
                              StreamMetrics metrics, InstantSource clock, ActiveStreams active,
                              ChunkLog chunkLog, ResumeSettings resume, ToolSettings tools) {
        this(providers, prices, tokenizer, fallback, scheduler, sessions, ledger, metrics, clock, active, chunkLog,
                resume, tools, SmoothSettings.OFF);
    }

    public StreamDependencies(Map<ProviderId, LlmProvider> providers, PriceTable prices, Tokenizer tokenizer,
                              FallbackRule fallback, Scheduler scheduler, SessionJournal sessions, SpendLedger ledger,
                              StreamMetrics metrics, InstantSource clock, ActiveStreams active,
                              ChunkLog chunkLog, ResumeSettings resume) {
        this(providers, prices, tokenizer, fallback, scheduler, sessions, ledger, metrics, clock, active, chunkLog,
                resume, ToolSettings.NONE);
    }

    public StreamDependencies {
        providers = Map.copyOf(providers);
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(active, "active");
        Objects.requireNonNull(chunkLog, "chunkLog");
        Objects.requireNonNull(resume, "resume");
        Objects.requireNonNull(tools, "tools");
        Objects.requireNonNull(smoothing, "smoothing");
    }
}
