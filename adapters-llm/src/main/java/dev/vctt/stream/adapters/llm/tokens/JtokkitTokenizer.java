package dev.vctt.stream.adapters.llm.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.vctt.stream.application.port.out.Tokenizer;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.routing.ModelId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenAI's tokenizers through jtokkit: {@code o200k_base} for the GPT-4o, GPT-4.1, GPT-5 and o-series
 * families, {@code cl100k_base} for GPT-4 and GPT-3.5. Other providers publish no tokenizer (Anthropic
 * offers only a counting endpoint, xAI nothing), so their models get no count and the estimate is used.
 *
 * <p>A prompt counts its messages' text plus the framing OpenAI's chat format adds: three tokens per
 * message and three to prime the reply (OpenAI cookbook, "How to count tokens with tiktoken").
 */
public final class JtokkitTokenizer implements Tokenizer {

    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int REPLY_PRIMING = 3;
    private static final List<String> O200K_PREFIXES = List.of("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4",
            "chatgpt-4o");
    private static final List<String> CL100K_PREFIXES = List.of("gpt-4", "gpt-3.5");

    private static final int CACHED_LENGTH = 24;
    private static final int CACHE_ENTRIES = 65_536;

    /**
     * One registry for the process: an encoding is immutable, thread-safe and large (o200k_base holds
     * 200 000 ranks, some 20 MB), so a configuration reload or a second server in the same JVM must not
     * load its own copy.
     */
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private final Map<ModelId, Optional<Encoding>> byModel = new ConcurrentHashMap<>();
    private final Map<Encoding, Map<String, Integer>> shortTexts = new ConcurrentHashMap<>();

    /**
     * Streamed deltas are mostly one short token, and the same few thousand come back all the time;
     * their counts are cached (bounded: the cache starts over when full), which spares the encoder's
     * regular-expression split on nearly every chunk.
     */
    @Override
    public OptionalLong count(ModelId model, String text) {
        Optional<Encoding> encoding = encoding(model);
        if (encoding.isEmpty()) {
            return OptionalLong.empty();
        }
        if (text.length() > CACHED_LENGTH) {
            return OptionalLong.of(encoding.get().countTokens(text));
        }
        Map<String, Integer> cache = shortTexts.computeIfAbsent(encoding.get(), e -> new ConcurrentHashMap<>());
        Integer known = cache.get(text);
        if (known == null) {
            if (cache.size() >= CACHE_ENTRIES) {
                cache.clear();
            }
            known = encoding.get().countTokens(text);
            cache.put(text, known);
        }
        return OptionalLong.of(known);
    }

    @Override
    public OptionalLong countPrompt(ModelId model, List<ChatTurn> conversation) {
        Optional<Encoding> encoding = encoding(model);
        if (encoding.isEmpty()) {
            return OptionalLong.empty();
        }
        long tokens = REPLY_PRIMING;
        for (ChatTurn turn : conversation) {
            tokens += TOKENS_PER_MESSAGE + encoding.get().countTokens(turn.content());
        }
        return OptionalLong.of(tokens);
    }

    private Optional<Encoding> encoding(ModelId model) {
        return byModel.computeIfAbsent(model, id -> {
            String name = id.value().toLowerCase(Locale.ROOT);
            if (O200K_PREFIXES.stream().anyMatch(name::startsWith)) {
                return Optional.of(REGISTRY.getEncoding(EncodingType.O200K_BASE));
            }
            if (CL100K_PREFIXES.stream().anyMatch(name::startsWith)) {
                return Optional.of(REGISTRY.getEncoding(EncodingType.CL100K_BASE));
            }
            return Optional.empty();
        });
    }
}
