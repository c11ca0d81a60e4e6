package dev.vctt.archfixture.application.service;

/** Fixture violation: the application uses an I/O library. */
public class UsesHttp {
    public Object client() {
        return java.net.http.HttpClient.newHttpClient();
    }
}
