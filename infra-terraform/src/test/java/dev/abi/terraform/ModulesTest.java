package dev.abi.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The six checks on every module under infra-terraform/ (aws, gcp, azure, gpu: whichever exist), one dynamic test per
 * module and check. All of them share one Node.js process (see {@link Hcl}).
 */
class ModulesTest {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path REPO = ROOT.getParent();

    static List<String> run(String check, TfModule m) {
        return switch (check) {
            case "syntax" -> SyntaxAndStructure.syntax(m);
            case "structure" -> SyntaxAndStructure.structure(m);
            case "schema" -> Schema.check(m);
            case "contract" -> Contract.check(m, REPO);
            case "policy" -> Policy.check(m, ROOT.resolve("README.md"));
            case "tftest" -> TfTests.check(m);
            default -> throw new IllegalArgumentException(check);
        };
    }

    static final List<String> CHECKS = List.of("syntax", "structure", "schema", "contract", "policy", "tftest");

    @TestFactory
    Stream<DynamicContainer> everyModulePassesEveryCheck() {
        List<Path> modules = SyntaxAndStructure.modules(ROOT);
        assertFalse(modules.isEmpty(), "no module under " + ROOT);
        Hcl hcl = Hcl.get();
        return modules.stream().map(dir -> {
            TfModule m = TfModule.load(hcl, dir);
            return DynamicContainer.dynamicContainer(
                    m.name(),
                    CHECKS.stream()
                            .map(check -> DynamicTest.dynamicTest(check, () -> {
                                List<String> problems =
                                        check.equals("syntax") ? run(check, m) : onlyIfParsed(m, c -> run(check, c));
                                assertEquals(List.of(), problems, m.name() + ": " + check);
                            })));
        });
    }

    /** The other checks assume the files parse: a parse error is reported once, by the syntax check. */
    private static List<String> onlyIfParsed(TfModule m, Function<TfModule, List<String>> check) {
        return SyntaxAndStructure.syntax(m).stream().anyMatch(p -> p.startsWith("does not parse"))
                ? List.of()
                : check.apply(m);
    }

    @Test
    void theAwsModuleExists() {
        assertTrue(SyntaxAndStructure.modules(ROOT).contains(ROOT.resolve("aws")));
    }

    @Test
    void theSchemaFilesAreThePinnedProviderReleases() {
        List<String> problems = new ArrayList<>();
        for (Schema.Pin pin : Schema.PINS) {
            var s = Schema.load(pin.file());
            if (s == null) {
                problems.add("src/test/resources/schema/" + pin.file() + ".json.gz is missing");
                continue;
            }
            String found =
                    s.path("package").asText() + "@" + s.path("packageVersion").asText() + " "
                            + s.path("provider").asText() + " "
                            + s.path("providerVersion").asText();
            String pinned = pin.pkg() + "@" + pin.packageVersion() + " " + pin.source() + " " + pin.providerVersion();
            if (!found.equals(pinned)) {
                problems.add(pin.file() + ".json.gz holds " + found + ", pinned is " + pinned
                        + " (regenerate with tools/provider-schema.mjs)");
            }
        }
        // (that each module's version range admits these releases is part of the schema check)
        assertEquals(List.of(), problems);
    }
}
