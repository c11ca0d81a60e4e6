package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code docs/asyncapi.yaml} is a valid AsyncAPI 3.0 document, as the official CLI
 * ({@code @asyncapi/cli} 6.2.0, offline) judges it. Skipped without node (failed with CI=true).
 */
class AsyncApiValidationIT {

    private static final Path DOCUMENT = Path.of("..", "docs", "asyncapi.yaml").toAbsolutePath().normalize();

    @BeforeEach
    @Timeout(value = NodeTools.SETUP_MINUTES, unit = TimeUnit.MINUTES) // the first one installs the packages
    void node_and_packages() {
        NodeTools.requirePackages();
    }

    @Test
    void the_protocol_description_is_valid_asyncapi() throws IOException {
        // the CLI's anonymous usage metrics: off, and kept out of the home directory
        Path metrics = Files.createDirectories(Path.of("target")).resolve("asyncapi-analytics.json").toAbsolutePath();
        Files.writeString(metrics, "{\"analyticsEnabled\":\"false\",\"infoMessageShown\":\"true\",\"userID\":\"vctt-build\"}");

        try (NodeScript cli = NodeScript.start(Path.of("node_modules", "@asyncapi", "cli", "bin", "run_bin").toString(),
                Map.of("ASYNCAPI_METRICS_CONFIG_PATH", metrics.toString(), "SUPPRESS_NO_CONFIG_WARNING", "1"),
                "validate", DOCUMENT.toString(), "--fail-severity", "error")) {
            cli.awaitSuccess(Duration.ofMinutes(2));

            assertThat(cli.output()).contains("is valid").doesNotContain(" error ");
        }
    }
}
