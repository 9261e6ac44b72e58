package dev.abi.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Check 6: the tftest files plan only (no apply: they run offline with mock providers), mock every provider the module
 * requires, set only variables the module has, and every name an assertion refers to exists.
 */
final class TfTests {

    private TfTests() {}

    static List<String> check(TfModule m) {
        List<String> problems = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        for (String kind : List.of("resource", "data")) {
            m.blocks(kind).forEach(b -> names.add(b.address()));
        }
        Set<String> variables = new TreeSet<>();
        m.blocks("variable").forEach(v -> variables.add(v.name()));
        m.blocks("output").forEach(o -> names.add("output." + o.name()));
        m.blocks("module").forEach(o -> names.add("module." + o.name()));
        m.locals().keySet().forEach(l -> names.add("local." + l));
        variables.forEach(v -> names.add("var." + v));
        Hcl hcl = Hcl.get();
        for (Hcl.Parsed test : m.tests()) {
            if (test.body() == null) {
                continue;
            }
            String file = m.name() + "/tests/" + test.path().getFileName();
            Set<String> mocked = new TreeSet<>();
            test.body().path("mock_provider").fieldNames().forEachRemaining(mocked::add);
            for (String provider : m.requiredProviders().keySet()) {
                if (!mocked.contains(provider)) {
                    problems.add(file + ": no mock_provider \"" + provider + "\" (the tests must run offline)");
                }
            }
            test.body()
                    .path("variables")
                    .forEach(vs -> vs.fieldNames()
                            .forEachRemaining(v -> unknownVariable(problems, file, "variables", v, variables)));
            Set<String> runs = new TreeSet<>();
            for (var it = test.body().path("run").fields(); it.hasNext(); ) {
                var run = it.next();
                for (JsonNode body : run.getValue()) {
                    String where = file + " run \"" + run.getKey() + "\"";
                    if (!body.path("command").asText().equals("${plan}")) {
                        problems.add(where + ": command must be plan, not "
                                + body.path("command").asText("apply (default)"));
                    }
                    body.path("variables")
                            .forEach(vs -> vs.fieldNames()
                                    .forEachRemaining(
                                            v -> unknownVariable(problems, where, "variables", v, variables)));
                    boolean otherModule = body.has("module");
                    if (otherModule) {
                        String source =
                                body.path("module").path(0).path("source").asText();
                        if (!Files.isDirectory(m.dir().resolve(source))) {
                            problems.add(where + ": module source " + source + " is not a folder of the module");
                        }
                        continue;
                    }
                    JsonNode expected = body.path("expect_failures");
                    List<String> checkables = new ArrayList<>();
                    if (expected.isArray()) {
                        expected.forEach(e -> checkables.add(e.asText()));
                    } else if (!expected.isMissingNode()) {
                        checkables.add(expected.asText());
                    }
                    for (String e : checkables) {
                        for (String ref : hcl.references(e.startsWith("${") ? e : "${" + e + "}")) {
                            if (!exists(ref, names, runs)) {
                                problems.add(where + ": expect_failures names " + ref + ", which the module lacks");
                            }
                        }
                    }
                    for (JsonNode assertion : body.path("assert")) {
                        String condition = assertion.path("condition").asText();
                        if (assertion.path("error_message").asText().isBlank()) {
                            problems.add(where + ": an assert without error_message");
                        }
                        for (String ref : hcl.references(condition)) {
                            if (!exists(ref, names, runs)) {
                                problems.add(where + ": the assertion refers to " + ref + ", which the module lacks");
                            }
                        }
                    }
                    runs.add(run.getKey());
                }
            }
        }
        return problems;
    }

    private static void unknownVariable(List<String> problems, String where, String block, String v, Set<String> vars) {
        if (!vars.contains(v)) {
            problems.add(where + ": " + block + " sets " + v + ", which is not a variable of the module");
        }
    }

    /** A reference names something that exists: its first one or two (resource) or three (data) parts. */
    private static boolean exists(String ref, Set<String> names, Set<String> runs) {
        String[] p = ref.split("\\.");
        String head = p[0].replaceAll("\\[.*", "");
        if (head.equals("run")) {
            return p.length > 1 && runs.contains(p[1].replaceAll("\\[.*", ""));
        }
        if (head.equals("each") || head.equals("count") || head.equals("path") || head.equals("terraform")) {
            return true;
        }
        if (p.length < 2) {
            return false;
        }
        String two = head + "." + p[1].replaceAll("\\[.*", "");
        if (head.equals("data")) {
            return p.length > 2 && names.contains(two + "." + p[2].replaceAll("\\[.*", ""));
        }
        return names.contains(two);
    }
}
