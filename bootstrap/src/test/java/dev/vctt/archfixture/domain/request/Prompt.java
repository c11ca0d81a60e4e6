package dev.vctt.archfixture.domain.request;

import dev.vctt.archfixture.domain.routing.Route;

/** Fixture violation, one half of a package cycle: request needs routing... */
public record Prompt(String text, Route route) {
}
