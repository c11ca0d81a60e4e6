package dev.vctt.stream.bootstrap;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaParameter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The architecture rules of STYLE.md, written once for any root package so that each can also be
 * run against a fixture tree with deliberate violations (and be seen to fail). Every package a rule
 * names is one of the layers, which the layered rule requires to be non-empty.
 */
final class ArchitectureRules {

    private static final Pattern MONEY_NAME = Pattern.compile("(?i).*(cost|price|amount|spend|budget).*");

    private final String root;
    private final String domain;
    private final String application;
    private final String adapters;

    private ArchitectureRules(String root) {
        this.root = root;
        this.domain = root + ".domain..";
        this.application = root + ".application..";
        this.adapters = root + ".adapters..";
    }

    static ArchitectureRules forRoot(String root) {
        return new ArchitectureRules(root);
    }

    /** Rule 1: the layers, each non-empty, each accessed only by the layers allowed to. */
    ArchRule layers() {
        return layeredArchitecture().consideringAllDependencies()
                .layer("Domain").definedBy(domain)
                .layer("Application").definedBy(application)
                .layer("WebSocket").definedBy(root + ".adapters.websocket..")
                .layer("Llm").definedBy(root + ".adapters.llm..")
                .layer("Persistence").definedBy(root + ".adapters.persistence..")
                .layer("Mcp").definedBy(root + ".adapters.mcp..")
                .layer("Bootstrap").definedBy(root + ".bootstrap..")
                .whereLayer("Domain").mayOnlyBeAccessedByLayers("Application", "WebSocket", "Llm", "Persistence", "Mcp",
                        "Bootstrap")
                .whereLayer("Application").mayOnlyBeAccessedByLayers("WebSocket", "Llm", "Persistence", "Mcp", "Bootstrap")
                .whereLayer("WebSocket").mayOnlyBeAccessedByLayers("Bootstrap")
                .whereLayer("Llm").mayOnlyBeAccessedByLayers("Bootstrap")
                .whereLayer("Persistence").mayOnlyBeAccessedByLayers("Bootstrap")
                .whereLayer("Mcp").mayOnlyBeAccessedByLayers("Bootstrap")
                .whereLayer("Bootstrap").mayNotBeAccessedByAnyLayer()
                .ensureAllClassesAreContainedInArchitecture();
    }

    /** Rule 2: adapters do not see each other. */
    ArchRule adaptersAreIndependent() {
        return slices().matching(root + ".adapters.(*)..").should().notDependOnEachOther();
    }

    /** Rule 2, inside the LLM adapters: providers share only the SSE package. */
    ArchRule providersShareOnlySse() {
        return slices().matching(root + ".adapters.llm.(*)..").should().notDependOnEachOther()
                .ignoreDependency(alwaysTrue(), resideInAPackage(root + ".adapters.llm.sse.."));
    }

    /**
     * Rule 2, everywhere: no package depends on itself through others. Each package is its own
     * slice, so a cycle between two sibling packages of one layer (which the layer rule cannot see)
     * is caught as well as one across layers.
     */
    ArchRule packagesAreFreeOfCycles() {
        return slices().matching(root + ".(**)").should().beFreeOfCycles();
    }

    /**
     * Adding a provider family is one line in its registry: no other class (outside the LLM adapters
     * themselves) constructs an adapter that implements the provider port.
     */
    ArchRule familiesAreWiredOnlyIn(String registry) {
        String port = root + ".application.port.out.LlmProvider";
        String llm = root + ".adapters.llm";
        return noClasses().that().doNotHaveFullyQualifiedName(registry).and().resideOutsideOfPackage(llm + "..")
                .should().callConstructorWhere(DescribedPredicate.describe("a provider adapter of " + llm,
                        call -> call.getTargetOwner().getPackageName().startsWith(llm)
                                && call.getTargetOwner().isAssignableTo(port)))
                .because("a family is registered in one place (" + registry + ")");
    }

    /** Rule 3: the domain uses the JDK's core packages and nothing else. */
    ArchRule pureDomain() {
        return classes().that().resideInAPackage(domain).should().onlyDependOnClassesThat()
                .resideInAnyPackage(domain, "java.lang..", "java.util..", "java.math..", "java.time..")
                .as("domain classes depend only on the domain, java.lang, java.util, java.math and java.time");
    }

    /** Rule 4: the application adds only its own packages and the SLF4J API. */
    ArchRule frameworkFreeApplication() {
        return classes().that().resideInAPackage(application).should().onlyDependOnClassesThat()
                .resideInAnyPackage(domain, application, "org.slf4j..", "java.lang..", "java.util..", "java.math..",
                        "java.time..")
                .as("application classes depend only on the domain, themselves, SLF4J and the JDK's core packages");
    }

    /** Rule 5: time and randomness come in through constructors, never from ambient calls. */
    ArchRule noAmbientTimeOrRandomness() {
        return noClasses().that().resideInAnyPackage(domain, application).should()
                .callMethod(Instant.class, "now").orShould().callMethod(LocalDateTime.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis").orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(UUID.class, "randomUUID").orShould().callMethod(ThreadLocalRandom.class, "current")
                .orShould().callMethod(Clock.class, "systemUTC").orShould().callMethod(Clock.class, "systemDefaultZone")
                .as("no class in domain or application reads the clock or randomness itself");
    }

    /** Rule 6a: use cases are interfaces. */
    ArchRule useCasesAreInterfaces() {
        return classes().that().resideInAPackage(root + ".application.port.in..").and().haveSimpleNameEndingWith("UseCase")
                .should().beInterfaces();
    }

    /** Rule 6b: a use case is implemented by a service in application.service. */
    ArchRule useCasesAreImplementedByServices() {
        return classes().that().implement(nameEndingWith("UseCase")).should().resideInAPackage(root + ".application.service..")
                .andShould().haveSimpleNameEndingWith("Service");
    }

    /** Rule 6c: ports hold only interfaces, records, enums and exceptions. */
    ArchRule portsHoldOnlyContracts() {
        return classes().that().resideInAPackage(root + ".application.port..").should(beAContract());
    }

    /**
     * Rule 6d: outbound ports do not use inbound port types. A driven port is described in its own
     * terms or the domain's, so a change to a use case's command or result never reaches an adapter
     * that only stores or fetches; values both directions carry live below both.
     */
    ArchRule outboundPortsIgnoreInboundPorts() {
        return noClasses().that().resideInAPackage(root + ".application.port.out..").should()
                .dependOnClassesThat().resideInAPackage(root + ".application.port.in..")
                .as("outbound ports do not depend on inbound port types");
    }

    /** Rule 7: names say what a class is. */
    ArchRule namesSayWhatTheyHold() {
        return noClasses().that().resideInAPackage(root + "..").should()
                .haveSimpleNameEndingWith("Impl").orShould().haveSimpleNameEndingWith("Dto")
                .orShould().haveSimpleNameEndingWith("Helper").orShould().haveSimpleNameEndingWith("Manager")
                .orShould().haveSimpleNameEndingWith("Util").orShould().haveSimpleNameEndingWith("Utils");
    }

    /** Rule 7: adapters are not use cases or services. */
    ArchRule adaptersAreNotServices() {
        return noClasses().that().resideInAPackage(adapters).should().haveSimpleNameEndingWith("UseCase")
                .orShould().haveSimpleNameEndingWith("Service");
    }

    /** Rule 8: money is never binary floating point. */
    ArchRule moneyIsNeverFloatingPoint() {
        return fields().that().areDeclaredInClassesThat().resideInAnyPackage(domain, application)
                .should(notBeFloatingPointMoney())
                .andShould(notBeInCostPackageAsFloatingPoint());
    }

    /** Rule 8, parameters: no method in the core takes money as a double. */
    ArchRule noMoneyParameterIsFloatingPoint() {
        return classes().that().resideInAnyPackage(domain, application).should(takeNoFloatingPointMoney());
    }

    private static DescribedPredicate<JavaClass> nameEndingWith(String suffix) {
        return DescribedPredicate.describe("a type named *" + suffix, type -> type.getSimpleName().endsWith(suffix));
    }

    private static ArchCondition<JavaClass> beAContract() {
        return new ArchCondition<>("be an interface, record, enum or exception") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean contract = type.isInterface() || type.isRecord() || type.isEnum()
                        || type.isAssignableTo(RuntimeException.class);
                if (!contract) {
                    events.add(SimpleConditionEvent.violated(type, type.getName() + " is a class in a port package"));
                }
            }
        };
    }

    private static boolean floatingPoint(JavaClass type) {
        return type.isEquivalentTo(double.class) || type.isEquivalentTo(float.class)
                || type.isEquivalentTo(Double.class) || type.isEquivalentTo(Float.class);
    }

    private static ArchCondition<JavaField> notBeFloatingPointMoney() {
        return new ArchCondition<>("not hold money as double or float") {
            @Override
            public void check(JavaField field, ConditionEvents events) {
                if (floatingPoint(field.getRawType()) && MONEY_NAME.matcher(field.getName()).matches()) {
                    events.add(SimpleConditionEvent.violated(field, field.getFullName() + " holds money as floating point"));
                }
            }
        };
    }

    private ArchCondition<JavaField> notBeInCostPackageAsFloatingPoint() {
        String costPackage = root + ".domain.cost";
        return new ArchCondition<>("not be double or float in domain.cost") {
            @Override
            public void check(JavaField field, ConditionEvents events) {
                if (floatingPoint(field.getRawType()) && field.getOwner().getPackageName().startsWith(costPackage)) {
                    events.add(SimpleConditionEvent.violated(field, field.getFullName() + " is floating point in domain.cost"));
                }
            }
        };
    }

    private static ArchCondition<JavaClass> takeNoFloatingPointMoney() {
        return new ArchCondition<>("take no money parameter as double or float") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                for (JavaMethod method : type.getMethods()) {
                    for (JavaParameter parameter : method.getParameters()) {
                        String name = parameterName(method, parameter);
                        if (floatingPoint(parameter.getRawType()) && MONEY_NAME.matcher(name).matches()) {
                            events.add(SimpleConditionEvent.violated(method, method.getFullName() + " takes money '"
                                    + name + "' as floating point"));
                        }
                    }
                }
            }
        };
    }

    /** Parameter names need {@code -parameters}, which the build sets; the method name counts too. */
    private static String parameterName(JavaMethod method, JavaParameter parameter) {
        try {
            java.lang.reflect.Parameter[] reflected = method.reflect().getParameters();
            return method.getName() + "." + reflected[parameter.getIndex()].getName();
        } catch (RuntimeException | LinkageError e) {
            return method.getName();
        }
    }
}
