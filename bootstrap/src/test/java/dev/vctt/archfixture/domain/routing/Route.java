package dev.vctt.archfixture.domain.routing;

import dev.vctt.archfixture.domain.request.Prompt;

/** Fixture violation, the other half: ...and routing needs request back. */
public record Route(String model) {

    public Prompt retry(Prompt broken) {
        return new Prompt(broken.text(), this);
    }
}
