package dev.vctt.archfixture.adapters.websocket;

/** Fixture violation: an adapter named like a service. */
public class StreamService {
}
