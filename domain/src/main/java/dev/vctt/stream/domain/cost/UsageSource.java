package dev.vctt.stream.domain.cost;

/** Whether final token figures came from the provider or from the server's own estimate. */
public enum UsageSource {
    REPORTED,
    ESTIMATED
}
