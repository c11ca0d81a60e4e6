package dev.vctt.stream.bootstrap;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.GeneralCodingRules;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module boundaries and conventions of STYLE.md, checked on the production classes. */
class ArchitectureTest {

    private static final ArchitectureRules RULES = ArchitectureRules.forRoot("dev.vctt.stream");
    private static JavaClasses classes;

    @BeforeAll
    static void import_production_classes() {
        classes = new ClassFileImporter().withImportOption(new ExcludeTestCode()).importPackages("dev.vctt.stream");
    }

    @Test
    void layers_are_respected_and_none_is_empty() {
        RULES.layers().check(classes);
    }

    @Test
    void adapters_do_not_see_each_other() {
        RULES.adaptersAreIndependent().check(classes);
    }

    @Test
    void providers_share_only_the_sse_package() {
        RULES.providersShareOnlySse().check(classes);
    }

    @Test
    void no_package_is_part_of_a_cycle() {
        RULES.packagesAreFreeOfCycles().check(classes);
    }

    @Test
    void the_domain_is_pure() {
        RULES.pureDomain().check(classes);
    }

    @Test
    void the_application_is_framework_free() {
        RULES.frameworkFreeApplication().check(classes);
    }

    @Test
    void the_core_reads_no_ambient_time_or_randomness() {
        RULES.noAmbientTimeOrRandomness().check(classes);
    }

    @Test
    void ports_have_the_agreed_shape() {
        RULES.useCasesAreInterfaces().check(classes);
        RULES.useCasesAreImplementedByServices().check(classes);
        RULES.portsHoldOnlyContracts().check(classes);
    }

    @Test
    void outbound_ports_do_not_depend_on_inbound_port_types() {
        RULES.outboundPortsIgnoreInboundPorts().check(classes);
    }

    @Test
    void names_say_what_classes_are() {
        RULES.namesSayWhatTheyHold().check(classes);
        RULES.adaptersAreNotServices().check(classes);
    }

    @Test
    void money_is_never_floating_point() {
        RULES.moneyIsNeverFloatingPoint().check(classes);
        RULES.noMoneyParameterIsFloatingPoint().check(classes);
    }

    @Test
    void provider_families_are_wired_only_in_their_registry() {
        RULES.familiesAreWiredOnlyIn(ProviderFamilies.class.getName()).check(classes);
        assertThatThrownBy(() -> RULES.familiesAreWiredOnlyIn("nowhere.Else").check(classes))
                .as("the rule sees the registry's own constructor calls")
                .isInstanceOf(AssertionError.class).hasMessageContaining(ProviderFamilies.class.getName());
    }

    @Test
    void general_hygiene() {
        // the admin command line prints what it is asked for (a new key's secret); nothing else may
        noClasses().that().doNotHaveFullyQualifiedName(AdminCommand.class.getName())
                .and().doNotHaveFullyQualifiedName(Main.class.getName())
                .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS).check(classes);
        GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS.check(classes);
        GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.check(classes);
    }
}
