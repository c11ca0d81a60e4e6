package dev.vctt.stream.bootstrap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible Chat Completions endpoint on loopback for the warm-up: a role chunk, one
 * chunk per token, the finish and usage chunks and {@code [DONE]}, as OpenAI writes them; paced
 * (a token every {@link #PACE_MS} ms) when the request asks for {@link #PACED}, else as fast as it
 * can. The JDK's own HTTP server: the warm-up needs nothing more, and the jar no second server.
 */
final class WarmupProvider implements AutoCloseable {

    /**
     * Tokens in every answer. Enough that a thousand streams compile the HTTP client's selector loop
     * too: one method that runs for the client's whole life, so only a loop count compiles it (on
     * stack replacement), and with 40 tokens a thousand streams fell short of it. The first clients
     * then paid for that compilation: 0.1 s of a core and some 6 MB of compiler memory in the middle
     * of their streams (docs/performance.md, "the warm-up fell short").
     */
    static final int TOKENS = 80;
    /** The marker, anywhere in the request, of an answer paced like a model's. */
    static final String PACED = "[paced]";
    /**
     * A paced answer's time between tokens: apart enough that the relay takes its paced path (a
     * delivery relayed on the thread that read it), close enough that {@link #TOKENS} of them take
     * under a second.
     */
    static final int PACE_MS = 10;

    /** The address it listens on and the one its base URL names: the same, whatever "localhost" resolves to. */
    private static final String LOOPBACK = "127.0.0.1";

    private static final String PREFIX = "data: {\"id\":\"chatcmpl-warmup\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1764547200,\"model\":\"gpt-4o-2024-08-06\",\"choices\":[";

    private final HttpServer server;
    private final ExecutorService handlers;

    private WarmupProvider(HttpServer server, ExecutorService handlers) {
        this.server = server;
        this.handlers = handlers;
    }

    static WarmupProvider start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(handlers);
        server.createContext("/", WarmupProvider::answer);
        server.start();
        return new WarmupProvider(server, handlers);
    }

    /** The base URL a provider's endpoint is given ({@code …/v1}). */
    URI baseUrl() {
        return URI.create("http://" + LOOPBACK + ":" + server.getAddress().getPort() + "/v1");
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean paced = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).contains(PACED);
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            send(out, PREFIX + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}\n\n");
            for (int i = 0; i < TOKENS; i++) {
                if (paced) {
                    Thread.sleep(PACE_MS);
                }
                send(out, PREFIX + "{\"index\":0,\"delta\":{\"content\":\"tok \"},\"finish_reason\":null}],\"usage\":null}\n\n");
            }
            send(out, PREFIX + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n");
            send(out, PREFIX + "],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + TOKENS + ",\"total_tokens\":"
                    + (12 + TOKENS) + "}}\n\n");
            send(out, "data: [DONE]\n\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(OutputStream out, String event) throws IOException {
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
