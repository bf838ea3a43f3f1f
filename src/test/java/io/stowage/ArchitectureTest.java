package io.stowage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the API package free of implementation: no files, no HTTP, no database, no other stowage package. */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.stowage");

    @Test
    void contentApiKnowsNothingOfItsImplementations() {
        noClasses().that().resideInAPackage("io.stowage.content")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.stowage.content.local..", "io.stowage.content.remote..", "io.stowage.server..",
                        "io.stowage.metadata..", "io.stowage.plugin..", "io.stowage.cli..", "io.stowage.filters..",
                        "java.nio.file..", "java.nio.channels..", "java.sql..", "io.netty..", "reactor.netty..",
                        "com.fasterxml..")
                .check(MAIN);
    }

    @Test
    void localStoreDoesNotDependOnTheNetwork() {
        noClasses().that().resideInAPackage("io.stowage.content.local..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "reactor.netty..",
                        "io.stowage.server..", "io.stowage.content.remote..")
                .check(MAIN);
    }

    @Test
    void imageApiKnowsNothingOfItsImplementations() {
        noClasses().that().resideInAPackage("io.stowage.images")
                .should().dependOnClassesThat().resideInAnyPackage("io.stowage.images.local..",
                        "io.stowage.images.remote..", "io.stowage.server..", "io.stowage.metadata..",
                        "io.stowage.plugin..", "io.stowage.cli..", "java.sql..", "io.netty..", "reactor.netty..")
                .check(MAIN);
    }

    @Test
    void transferWorksOnAnyStoreAndKnowsNoServerOrCommand() {
        noClasses().that().resideInAPackage("io.stowage.transfer..")
                .should().dependOnClassesThat().resideInAnyPackage("io.stowage.content.local..",
                        "io.stowage.content.remote..", "io.stowage.images.local..", "io.stowage.images.remote..",
                        "io.stowage.server..", "io.stowage.registry..", "io.stowage.metadata..", "io.stowage.cli..",
                        "io.stowage.plugin..")
                .check(MAIN);
    }
}
