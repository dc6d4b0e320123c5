package io.djdeploy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layers of docs/pipeline.md ("Code layout"), top to bottom: a package may import only
 * packages below it. Fails the build on any cycle and on any import of cli from below.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.djdeploy");
    }

    @Test
    void no_cycles_between_packages() {
        slices().matching("io.djdeploy.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void nothing_below_cli_imports_it() {
        noClasses().that().resideOutsideOfPackage("io.djdeploy.cli..")
                .should().dependOnClassesThat().resideInAPackage("io.djdeploy.cli..")
                .check(classes);
    }

    @Test
    void each_layer_imports_only_the_layers_below_it() {
        Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("io.djdeploy.cli..")
                .layer("scaffold").definedBy("io.djdeploy.scaffold..")
                .layer("pipeline").definedBy("io.djdeploy.pipeline..")
                .layer("django").definedBy("io.djdeploy.django..")
                .layer("web").definedBy("io.djdeploy.web..")
                .layer("container").definedBy("io.djdeploy.container..")
                .layer("step").definedBy("io.djdeploy.step..")
                .layer("release").definedBy("io.djdeploy.release..")
                .layer("remote").definedBy("io.djdeploy.remote..")
                .layer("config").definedBy("io.djdeploy.config..")
                .layer("template").definedBy("io.djdeploy.template..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("scaffold").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("pipeline").mayOnlyBeAccessedByLayers("cli", "scaffold")
                .whereLayer("django").mayOnlyBeAccessedByLayers("cli", "scaffold", "pipeline")
                .whereLayer("web").mayOnlyBeAccessedByLayers("cli", "scaffold", "pipeline", "django")
                .whereLayer("container").mayOnlyBeAccessedByLayers("cli", "scaffold", "pipeline", "django", "web")
                .whereLayer("step").mayOnlyBeAccessedByLayers("cli", "scaffold", "pipeline", "django", "web", "container")
                .whereLayer("release").mayOnlyBeAccessedByLayers("cli", "scaffold", "pipeline", "django", "web", "container", "step")
                .whereLayer("remote").mayOnlyBeAccessedByLayers("cli", "scaffold", "pipeline", "django", "web", "container", "step", "release")
                .whereLayer("config").mayOnlyBeAccessedByLayers("cli", "scaffold", "pipeline", "django", "web", "container", "step", "release", "remote")
                .check(classes);
    }
}
