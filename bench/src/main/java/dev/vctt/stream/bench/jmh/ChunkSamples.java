package dev.vctt.stream.bench.jmh;

import java.nio.charset.StandardCharsets;

/** The bytes a Chat Completions stream carries per token, as OpenAI writes them (with include_usage). */
final class ChunkSamples {

    static final String TOKEN_JSON = "{\"id\":\"chatcmpl-bench1\",\"object\":\"chat.completion.chunk\",\"created\":1764547200,"
            + "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\" token\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,"
            + "\"obfuscation\":\"q1Xz\"}";

    static final String USAGE_JSON = "{\"id\":\"chatcmpl-bench1\",\"object\":\"chat.completion.chunk\",\"created\":1764547200,"
            + "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_bench\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
            + "31,\"completion_tokens\":200,\"total_tokens\":231,\"prompt_tokens_details\":{\"cached_tokens\":0,"
            + "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
            + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}";

    /** One token's event on the wire: {@code data: {...}} and the blank line that dispatches it. */
    static final byte[] TOKEN_EVENT = ("data: " + TOKEN_JSON + "\n\n").getBytes(StandardCharsets.UTF_8);

    private ChunkSamples() {
    }

    /** {@code count} token events back to back, as one read delivers them when the provider is ahead. */
    static byte[] tokenEvents(int count) {
        byte[] out = new byte[TOKEN_EVENT.length * count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(TOKEN_EVENT, 0, out, i * TOKEN_EVENT.length, TOKEN_EVENT.length);
        }
        return out;
    }
}
