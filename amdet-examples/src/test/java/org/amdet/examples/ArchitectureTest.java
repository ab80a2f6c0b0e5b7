package org.amdet.examples;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.amdet.BackdoorDetector;
import org.amdet.encoders.ClipFamily;
import org.amdet.examples.cli.AmdetCli;
import org.amdet.landscape.Landscape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module boundaries as rules over the main classes of all four modules (this module sees them all):
 * <ul>
 *   <li>amdet-core's internals ({@code org.amdet.internal}) are used by amdet-core alone, amdet-landscape's
 *       ({@code org.amdet.landscape.internal}) by amdet-landscape alone but for the native-cache lock that
 *       amdet-core's LibTorch start-up shares;</li>
 *   <li>no JavaCPP (LibTorch) type appears in a public or protected signature of the user API — everything but
 *       {@code org.amdet.internal} and the encoder-family SPI {@code org.amdet.spi};</li>
 *   <li>amdet-landscape is pure landscape math: it depends on no other amdet module, on no LibTorch and draws no
 *       pictures;</li>
 *   <li>the libraries do not depend on the examples and CLI.</li>
 * </ul>
 */
class ArchitectureTest {
    /** The packages of amdet-core. */
    static final String[] CORE = {"org.amdet", "org.amdet.internal..", "org.amdet.spi..", "org.amdet.safetensors..",
            "org.amdet.report..", "org.amdet.io..", "org.amdet.text.."};
    /** The user API: what callers of the detector, the loaders and the landscape see. */
    static final String[] USER_API = {"org.amdet", "org.amdet.safetensors..", "org.amdet.report..", "org.amdet.io..",
            "org.amdet.text..", "org.amdet.encoders..", "org.amdet.landscape.."};

    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        Set<Location> modules = new LinkedHashSet<>();
        for (Class<?> c : List.of(BackdoorDetector.class, ClipFamily.class, Landscape.class, AmdetCli.class)) {
            modules.add(Location.of(c.getProtectionDomain().getCodeSource().getLocation()));
        }
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importLocations(modules);
        if (main.size() < 100) {
            throw new IllegalStateException("imported only " + main.size() + " classes from " + modules);
        }
    }

    @Test
    void coreInternalsAreUsedByCoreAlone() {
        ArchRule rule = noClasses().that().resideOutsideOfPackages(CORE)
                .should().dependOnClassesThat().resideInAPackage("org.amdet.internal..")
                .because("org.amdet.internal is amdet-core's implementation; other modules use the user API or "
                        + "the encoder-family SPI org.amdet.spi");
        rule.check(main);
    }

    @Test
    void landscapeInternalsAreUsedByTheLandscapeAloneButForTheSharedNativeCache() {
        // the one allowed crossing: amdet-core's LibTorch start-up takes the same native-cache lock as ND4J's
        ArchRule rule = noClasses().that().resideOutsideOfPackages("org.amdet.landscape..")
                .and().doNotHaveFullyQualifiedName("org.amdet.internal.torch.Torch")
                .should().dependOnClassesThat().resideInAPackage("org.amdet.landscape.internal..")
                .because("org.amdet.landscape.internal is amdet-landscape's implementation");
        rule.check(main);
    }

    @Test
    void noJavaCppTypeInTheUserApi() {
        ArchRule rule = classes().that().resideInAnyPackage(USER_API).and().arePublic()
                .should(exposeNoTypeFrom("org.bytedeco."))
                .because("LibTorch types belong to amdet-core's internals and the encoder-family SPI only");
        rule.check(main);
    }

    @Test
    void landscapeIsPureLandscapeMath() {
        ArchRule rule = noClasses().that().resideInAPackage("org.amdet.landscape..")
                .should().dependOnClassesThat().resideInAnyPackage("org.amdet", "org.amdet.internal..",
                        "org.amdet.spi..", "org.amdet.safetensors..", "org.amdet.report..", "org.amdet.io..",
                        "org.amdet.text..", "org.amdet.encoders..", "org.amdet.examples..",
                        "org.bytedeco.pytorch..", "org.jfree..", "java.awt..", "javax.imageio..")
                .because("amdet-landscape is the Hessian filter's math, used by amdet-core; pictures are drawn in "
                        + "org.amdet.report");
        rule.check(main);
    }

    @Test
    void librariesDoNotDependOnTheExamples() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("org.amdet.examples..")
                .should().dependOnClassesThat().resideInAPackage("org.amdet.examples..");
        rule.check(main);
    }

    /** A condition: no public or protected member of the class names a type from {@code prefix} in its signature. */
    static ArchCondition<JavaClass> exposeNoTypeFrom(String prefix) {
        return new ArchCondition<>("expose no " + prefix + "* type in a public or protected signature") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                for (JavaClass sup : superTypes(c)) {
                    if (sup.getName().startsWith(prefix)) {
                        events.add(SimpleConditionEvent.violated(c, c.getName() + " extends " + sup.getName()));
                    }
                }
                for (JavaMember m : c.getMembers()) {
                    if (!visible(m)) {
                        continue;
                    }
                    for (JavaClass t : signatureTypes(m)) {
                        if (t.getName().startsWith(prefix)) {
                            events.add(SimpleConditionEvent.violated(m, m.getFullName() + " uses " + t.getName()));
                        }
                    }
                }
            }
        };
    }

    private static List<JavaClass> superTypes(JavaClass c) {
        List<JavaClass> out = new ArrayList<>();
        c.getRawSuperclass().ifPresent(out::add);
        out.addAll(c.getRawInterfaces());
        return out;
    }

    private static boolean visible(JavaMember m) {
        Set<JavaModifier> mods = m.getModifiers();
        return mods.contains(JavaModifier.PUBLIC) || mods.contains(JavaModifier.PROTECTED);
    }

    private static List<JavaClass> signatureTypes(JavaMember m) {
        List<JavaType> types = new ArrayList<>();
        if (m instanceof JavaField f) {
            types.add(f.getType());
        } else if (m instanceof JavaCodeUnit u) {
            types.add(u.getReturnType());
            types.addAll(u.getParameterTypes());
            types.addAll(u.getExceptionTypes());
        }
        List<JavaClass> out = new ArrayList<>();
        for (JavaType t : types) {
            out.addAll(t.getAllInvolvedRawTypes());
        }
        return out;
    }
}
