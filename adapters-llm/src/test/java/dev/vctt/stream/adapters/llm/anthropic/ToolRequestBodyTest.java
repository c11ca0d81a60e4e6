package dev.vctt.stream.adapters.llm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.adapters.llm.sse.SseLimits;
import dev.vctt.stream.adapters.llm.sse.StreamWatchdog;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.ToolDefinition;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.Temperature;
import dev.vctt.stream.domain.request.ToolReply;
import dev.vctt.stream.domain.request.ToolUse;
import dev.vctt.stream.domain.routing.ModelId;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ToolRequestBodyTest {

    @Test
    void tools_go_out_with_input_schemas_and_a_tool_step_as_tool_use_and_tool_result_blocks() throws Exception {
        // given
        try (var watchdog = new StreamWatchdog(Duration.ofSeconds(1));
             var provider = new AnthropicMessagesProvider("anthropic", URI.create("http://127.0.0.1:9/v1"),
                     Optional.empty(), ProviderTimeouts.DEFAULTS, SseLimits.DEFAULTS, watchdog, 1024)) {
            var request = new CompletionRequest(ModelId.of("claude"), List.of(
                    new ChatTurn(ChatRole.USER, "add 2 and 3"),
                    ChatTurn.callingTools("Adding.", List.of(new ToolUse("toolu_1", "get-sum", "{\"a\":2,\"b\":3}"))),
                    ChatTurn.replying(List.of(new ToolReply("toolu_1", "boom", true)))),
                    new Temperature(0.7), OptionalInt.of(100),
                    List.of(new ToolDefinition("get-sum", "everything", "Adds", "{\"type\":\"object\"}")));

            // when
            JsonNode body = new ObjectMapper().readTree(provider.body(request));

            // then
            assertThat(body.path("tools").toString())
                    .isEqualTo("[{\"name\":\"get-sum\",\"description\":\"Adds\",\"input_schema\":{\"type\":\"object\"}}]");
            assertThat(body.path("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"add 2 and 3\"},"
                    + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Adding.\"},"
                    + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get-sum\",\"input\":{\"a\":2,\"b\":3}}]},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
                    + "\"content\":\"boom\",\"is_error\":true}]}]");
        }
    }
}
