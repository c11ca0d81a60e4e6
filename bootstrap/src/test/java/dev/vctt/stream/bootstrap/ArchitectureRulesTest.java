package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every architecture rule, run against the fixture tree {@code dev.vctt.archfixture} in which each
 * rule is broken once on purpose: a rule that cannot fail would protect nothing.
 */
class ArchitectureRulesTest {

    private static final ArchitectureRules RULES = ArchitectureRules.forRoot("dev.vctt.archfixture");
    private static JavaClasses fixtures;

    @BeforeAll
    static void import_fixtures() {
        fixtures = new ClassFileImporter().importPackages("dev.vctt.archfixture");
    }

    static Stream<Arguments> rules_and_their_deliberate_violations() {
        return Stream.of(
                rule("layers: domain reaching up", ArchitectureRules::layers, "LeakyDomain"),
                rule("layers: adapter reaching into adapter", ArchitectureRules::layers, "websocket.Endpoint"),
                rule("layers: class outside every layer", ArchitectureRules::layers, "Stray"),
                rule("adapters independent", ArchitectureRules::adaptersAreIndependent, "websocket.Endpoint"),
                rule("providers share only sse", ArchitectureRules::providersShareOnlySse, "anthropic.Client"),
                rule("package cycles", ArchitectureRules::packagesAreFreeOfCycles, "domain.request.Prompt"),
                rule("package cycles", ArchitectureRules::packagesAreFreeOfCycles, "domain.routing.Route"),
                rule("pure domain", ArchitectureRules::pureDomain, "NetworkedThing"),
                rule("framework-free application", ArchitectureRules::frameworkFreeApplication, "UsesHttp"),
                rule("no ambient time", ArchitectureRules::noAmbientTimeOrRandomness, "AmbientClock"),
                rule("use cases are interfaces", ArchitectureRules::useCasesAreInterfaces, "ConcreteUseCase"),
                rule("use cases are services", ArchitectureRules::useCasesAreImplementedByServices, "Starter"),
                rule("ports hold contracts", ArchitectureRules::portsHoldOnlyContracts, "PortClass"),
                rule("outbound ports ignore inbound ports", ArchitectureRules::outboundPortsIgnoreInboundPorts,
                        "port.out.StoredRun"),
                rule("names", ArchitectureRules::namesSayWhatTheyHold, "ReportImpl"),
                rule("adapters are not services", ArchitectureRules::adaptersAreNotServices, "StreamService"),
                rule("money fields", ArchitectureRules::moneyIsNeverFloatingPoint, "FloatPrice.price"),
                rule("money parameters", ArchitectureRules::noMoneyParameterIsFloatingPoint, "apply.amount"));
    }

    private static Arguments rule(String name, Function<ArchitectureRules, ArchRule> rule, String violator) {
        return Arguments.of(name, rule, violator);
    }

    @ParameterizedTest(name = "{0} catches {2}")
    @MethodSource("rules_and_their_deliberate_violations")
    void each_rule_catches_its_deliberate_violation(String name, Function<ArchitectureRules, ArchRule> rule,
                                                    String violator) {
        EvaluationResult result = rule.apply(RULES).evaluate(fixtures);

        assertThat(result.hasViolation()).as(name).isTrue();
        assertThat(result.getFailureReport().getDetails()).as(name).anyMatch(line -> line.contains(violator));
    }

    @Test
    void well_behaved_fixtures_are_not_reported() {
        var details = RULES.layers().evaluate(fixtures).getFailureReport().getDetails();

        // a line names the offending class first; allowed dependencies never start a line
        assertThat(details).noneMatch(line -> line.matches("^\\w+ <dev\\.vctt\\.archfixture\\."
                + "(bootstrap\\.Wiring|adapters\\.persistence\\.Store|application\\.service\\.GoodService|adapters\\.llm\\.openai\\.Client)[.>].*"));
        assertThat(details).anyMatch(line -> line.startsWith("Method <dev.vctt.archfixture.domain.LeakyDomain"));
    }

    @Test
    void a_rule_naming_packages_that_do_not_exist_fails_instead_of_passing_silently() {
        EvaluationResult result = ArchitectureRules.forRoot("dev.vctt.nowhere").layers().evaluate(fixtures);

        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails())).containsIgnoringCase("empty");
    }
}
