package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.application.port.out.StreamMetrics;
import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.ModelId;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/grafana/vctt-stream.json asks only for what the server exports: every PromQL query names
 * metrics that appear in a scrape of the server's registry, with labels those metrics carry.
 */
class GrafanaDashboardTest {

    private static final Pattern METRIC = Pattern.compile("\\b(vctt_[a-z_]+)");
    private static final Pattern SELECTOR_LABEL = Pattern.compile("([a-z_]+)\\s*(?:=|!=|=~|!~)\\s*\"");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");

    @Test
    void every_dashboard_query_names_exported_metrics_and_labels() throws Exception {
        // given the labels of every series a server exports once each kind of event happened
        Map<String, Set<String>> exported = exportedLabels(scrapeAfterEveryEvent());
        JsonNode dashboard = dashboard();

        // when the queries are read
        List<String> queries = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets")
                .forEach(target -> queries.add(target.path("expr").asText())));

        // then each names metrics the server has, grouped and selected by labels they carry
        assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
        for (String query : queries) {
            Matcher metrics = METRIC.matcher(query);
            Set<String> labels = new HashSet<>(Set.of("le"));
            boolean any = false;
            while (metrics.find()) {
                any = true;
                assertThat(exported).as("query %s names %s", query, metrics.group(1)).containsKey(metrics.group(1));
                labels.addAll(exported.get(metrics.group(1)));
            }
            assertThat(any).as("query %s names a vctt metric", query).isTrue();
            for (String label : labelsUsed(query)) {
                assertThat(labels).as("label %s of query %s", label, query).contains(label);
            }
        }
        assertThat(dashboard.path("uid").asText()).isEqualTo("vctt-stream");
    }

    @Test
    void a_misspelt_metric_or_label_would_be_caught() throws Exception {
        Map<String, Set<String>> exported = exportedLabels(scrapeAfterEveryEvent());

        assertThat(exported).doesNotContainKey("vctt_time_to_first_tokens_seconds_bucket");
        assertThat(exported.get("vctt_chunk_gap_seconds_bucket")).doesNotContain("role");
        assertThat(labelsUsed("sum by (le, model) (rate(x{direction=\"output\"}[5m]))"))
                .containsExactlyInAnyOrder("le", "model", "direction");
    }

    private static JsonNode dashboard() throws Exception {
        try (InputStream in = GrafanaDashboardTest.class.getResourceAsStream("/dev/vctt/stream/docs/grafana/vctt-stream.json")) {
            assertThat(in).as("vctt-stream.json packaged by the docs module").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    private static String scrapeAfterEveryEvent() {
        var metrics = new MicrometerStreamMetrics();
        metrics.gauge("vctt.connections", "Open WebSocket connections", new Object(), o -> 1);
        metrics.gauge("vctt.streams.active", "Streams running now", new Object(), o -> 1);
        AgentRole role = AgentRole.PRIMARY;
        ModelId model = ModelId.of("gpt-4o");
        metrics.started(role, model);
        metrics.firstToken(role, model, Duration.ofMillis(120));
        metrics.chunk(model, Duration.ofMillis(15));
        metrics.ended(role, model, StreamMetrics.Outcome.COMPLETED, TokenUsage.of(10, 20), Usd.of("0.001"));
        metrics.fellBack(model, ModelId.of("claude-sonnet-4-5"), FailureKind.RATE_LIMITED);
        metrics.providerFailed(model, FailureKind.RATE_LIMITED);
        metrics.wasted(role, model, 12);
        return metrics.scrape();
    }

    /** Metric name → the label names its samples carry, from the Prometheus text format. */
    private static Map<String, Set<String>> exportedLabels(String scrape) {
        Map<String, Set<String>> labels = new HashMap<>();
        Pattern sample = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)})?\\s");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
        for (String line : scrape.split("\n")) {
            Matcher m = sample.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            Set<String> names = labels.computeIfAbsent(m.group(1), k -> new HashSet<>());
            if (m.group(2) != null) {
                Matcher l = label.matcher(m.group(2));
                while (l.find()) {
                    names.add(l.group(1));
                }
            }
        }
        return labels;
    }

    private static Set<String> labelsUsed(String query) {
        Set<String> used = new HashSet<>();
        Matcher selectors = SELECTOR_LABEL.matcher(query);
        while (selectors.find()) {
            used.add(selectors.group(1));
        }
        Matcher grouping = GROUPING.matcher(query);
        while (grouping.find()) {
            for (String name : grouping.group(1).split(",")) {
                if (!name.isBlank()) {
                    used.add(name.strip());
                }
            }
        }
        return used;
    }
}
