package dev.vctt.stream.adapters.llm.sse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Objects;

/** The HTTP and JSON set-up every streaming provider adapter shares. */
public final class UpstreamHttp {

    private UpstreamHttp() {
    }

    /** The provider's endpoint: its base URL (with or without a trailing slash) and the API's path. */
    public static URI endpoint(URI baseUrl, String path) {
        return URI.create(baseUrl.toString().replaceAll("/+$", "") + path);
    }

    /**
     * A client for one provider: cleartext servers (local models, tests) speak HTTP/1.1, TLS
     * negotiates HTTP/2 where offered; redirects are not followed (a provider that redirects a
     * streaming POST is misconfigured, and following it would resend the key elsewhere).
     *
     * <p>The client's internal tasks run on the thread that triggers them (its selector thread, for
     * what arrives): with its default pool every upstream chunk went selector thread → pool thread →
     * the stream's virtual thread, a wake-up per hop. The callbacks here are {@link SseStreamCall}'s
     * body subscriber, which parses and relays a paced stream's buffer without blocking (and hands
     * back-to-back ones to the stream's relayer, a virtual thread), and the exchange's own
     * completion, which hands anything that may block (an error answer's body, the stream's end) to
     * a virtual thread.
     */
    public static HttpClient client(URI endpoint, ProviderTimeouts timeouts) {
        return HttpClient.newBuilder()
                .connectTimeout(timeouts.connect())
                .version("https".equalsIgnoreCase(endpoint.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Runnable::run)
                .build();
    }

    /** A mapper on a shared lock-free buffer pool: the default per-thread pool is wasted on short-lived virtual threads. */
    public static ObjectMapper json() {
        return new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedLockFreePool()).build());
    }

    /**
     * Extra headers an endpoint is configured with (a gateway's routing header, an organisation id),
     * checked once, when the provider is built: a name the HTTP client refuses ({@code Host},
     * {@code Content-Length}, …) or one the adapter sets itself fails here, not on every request.
     *
     * @param reserved header names (any case) the family sets itself, such as its key header
     */
    public static Map<String, String> extraHeaders(Map<String, String> headers, String... reserved) {
        Objects.requireNonNull(headers, "headers");
        var probe = HttpRequest.newBuilder(URI.create("http://localhost/"));
        headers.forEach((name, value) -> {
            if (name.equalsIgnoreCase("content-type") || name.equalsIgnoreCase("accept")) {
                throw new IllegalArgumentException("the header " + name + " is set by the adapter itself");
            }
            for (String own : reserved) {
                if (own.equalsIgnoreCase(name)) {
                    throw new IllegalArgumentException("the header " + name + " is set by the adapter itself");
                }
            }
            try {
                probe.header(name, Objects.requireNonNull(value, name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the header " + name + " cannot be configured: " + e.getMessage(), e);
            }
        });
        return Map.copyOf(headers);
    }

    /** A streaming POST of a JSON body: the headers every family sends, then the endpoint's extra ones. */
    public static HttpRequest.Builder post(URI endpoint, byte[] body, Map<String, String> extraHeaders) {
        HttpRequest.Builder http = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        extraHeaders.forEach(http::header);
        return http;
    }
}
