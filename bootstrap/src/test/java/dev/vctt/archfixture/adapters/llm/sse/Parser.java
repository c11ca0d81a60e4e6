package dev.vctt.archfixture.adapters.llm.sse;

/** Fixture: the shared SSE package. */
public class Parser {
}
