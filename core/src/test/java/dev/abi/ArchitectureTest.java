package dev.abi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package map of docs/architecture.md, checked on core's bytecode (inline qualified names count as much as
 * imports): no cycles between the top-level packages, and the engine packages below the API layers.
 */
class ArchitectureTest {

    private static JavaClasses core;

    @BeforeAll
    static void load() {
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.abi");
    }

    @Test
    void topLevelPackagesHaveNoCycles() {
        slices().matching("dev.abi.(*)..").should().beFreeOfCycles().check(core);
    }

    @Test
    void theVectorIndexAndInferenceKnowNothingOfTheLayersAbove() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.abi.vector..", "dev.abi.inference..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.abi.gateway..", "dev.abi.namespace..", "dev.abi.events..", "dev.abi.documents..")
                .check(core);
    }

    @Test
    void eachConsumerHasItsOwnKernels() {
        noClasses()
                .that()
                .resideInAPackage("dev.abi.inference..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.abi.vector..")
                .check(core);
        noClasses()
                .that()
                .resideInAPackage("dev.abi.simd..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.abi.vector..", "dev.abi.inference..")
                .check(core);
    }

    @Test
    void storageKnowsNothingOfNamespacesOrTheApi() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.abi.store..", "dev.abi.resilience..", "dev.abi.budget..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.abi.gateway..",
                        "dev.abi.namespace..",
                        "dev.abi.events..",
                        "dev.abi.documents..",
                        "dev.abi.inference..",
                        "dev.abi.vector..")
                .check(core);
    }

    @Test
    void telemetryDependsOnNothingElseInCore() {
        noClasses()
                .that()
                .resideInAPackage("dev.abi.telemetry..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.abi..")
                .andShould()
                .dependOnClassesThat()
                .resideOutsideOfPackages("dev.abi.telemetry..", "java..")
                .check(core);
    }

    @Test
    void onlyTheGatewayKnowsHttpAndEventsKnowNothingOfIt() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.abi.gateway..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.abi.gateway..")
                .check(core);
    }

    @Test
    void coreUsesNoCloudSdkOrFramework() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.quarkus..",
                        "software.amazon..",
                        "com.google.cloud..",
                        "com.azure..",
                        "com.microsoft.azure..",
                        "io.cloudevents..",
                        "jakarta..",
                        "io.opentelemetry..",
                        "io.micrometer..")
                .check(core);
    }
}
