package dev.vctt.stream.adapters.llm.sse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;

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
     */
    public static HttpClient client(URI endpoint, ProviderTimeouts timeouts) {
        return HttpClient.newBuilder()
                .connectTimeout(timeouts.connect())
                .version("https".equalsIgnoreCase(endpoint.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A mapper on a shared lock-free buffer pool: the default per-thread pool is wasted on short-lived virtual threads. */
    public static ObjectMapper json() {
        return new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedLockFreePool()).build());
    }
}
