package dev.abi.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.abi.telemetry.MetricNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CloudWatch alarm set of docs/operations.md, read from the aws module's HCL: one alarm per concern (5xx rate,
 * p99 query latency, breaker open, dead letters, commit conflicts), each on a metric the functions export.
 */
class AlarmsTest {

    /** Concern: the alarm resource's name in alarms.tf, and the metric it must watch. */
    private static final Map<String, String> REQUIRED = Map.of(
            "http_5xx_rate", "5xx",
            "query_p99", MetricNames.QUERY,
            "breaker_open", MetricNames.BREAKER_TRANSITIONS,
            "dead_letters", MetricNames.DEAD_LETTERED,
            "commit_conflicts", MetricNames.COMMIT_CONFLICTS);

    private static List<TfModule.Block> alarms() {
        TfModule aws = TfModule.load(Hcl.get(), ModulesTest.ROOT.resolve("aws"));
        return aws.blocks("resource").stream()
                .filter(b -> b.type().equals("aws_cloudwatch_metric_alarm"))
                .toList();
    }

    /** What is wrong with an alarm set: a concern without its alarm, or an ABI alarm on a metric nobody exports. */
    static List<String> problems(List<TfModule.Block> alarms) {
        List<String> problems = new ArrayList<>();
        REQUIRED.forEach((name, metric) -> {
            boolean found = alarms.stream()
                    .anyMatch(b -> b.name().equals(name) && metrics(b).contains(metric));
            if (!found) {
                problems.add("no alarm " + name + " on " + metric);
            }
        });
        for (TfModule.Block b : alarms) {
            if (b.body().path("namespace").asText().equals("ABI")
                    && !MetricNames.ALL.contains(b.body().path("metric_name").asText())) {
                problems.add(b.where() + ": " + b.body().path("metric_name").asText() + " is not a metric ABI exports");
            }
        }
        return problems;
    }

    /** The metric names an alarm reads, directly or through its metric queries. */
    private static List<String> metrics(TfModule.Block alarm) {
        List<String> names = new ArrayList<>();
        if (alarm.body().has("metric_name")) {
            names.add(alarm.body().path("metric_name").asText());
        }
        alarm.body()
                .path("metric_query")
                .forEach(q -> q.path("metric")
                        .forEach(m -> names.add(m.path("metric_name").asText())));
        return names;
    }

    @Test
    void theAwsModuleAlarmsOnEachConcernWithMetricsTheFunctionsExport() {
        List<TfModule.Block> alarms = alarms();
        assertEquals(5, alarms.size(), alarms.toString());
        assertEquals(List.of(), problems(alarms));
        TfModule.Block p99 = alarms.stream()
                .filter(b -> b.name().equals("query_p99"))
                .findFirst()
                .orElseThrow();
        assertEquals("p99", p99.body().path("extended_statistic").asText());
    }

    @Test
    void aMisspelledMetricOrAMissingAlarmIsCaught() {
        List<TfModule.Block> planted = new ArrayList<>();
        for (TfModule.Block b : alarms()) {
            if (b.name().equals("dead_letters")) {
                continue; // planted: the dead-letter alarm is gone
            }
            ObjectNode body = b.body().deepCopy();
            if (b.name().equals("commit_conflicts")) {
                body.put("metric_name", "abi.commit.conflict"); // planted: a name nobody exports
            }
            planted.add(new TfModule.Block(b.kind(), b.type(), b.name(), body, b.file()));
        }
        List<String> problems = problems(planted);
        assertTrue(problems.contains("no alarm dead_letters on " + MetricNames.DEAD_LETTERED), problems.toString());
        assertTrue(
                problems.stream().anyMatch(p -> p.contains("abi.commit.conflict is not a metric")),
                problems.toString());
    }

    @Test
    void bothPackagingsTraceEachInvocationWithXRay() throws Exception {
        JsonNode sam = new ObjectMapper(new YAMLFactory())
                .readTree(ModulesTest.REPO
                        .resolve("adapters-aws/deploy/template.yaml")
                        .toFile());
        List<String> functions = new ArrayList<>();
        sam.path("Resources").fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                functions.add(r.getKey());
                assertEquals(
                        "Active",
                        r.getValue().path("Properties").path("Tracing").asText(),
                        r.getKey());
            }
        });
        assertEquals(2, functions.size(), functions.toString());
        TfModule aws = TfModule.load(Hcl.get(), ModulesTest.ROOT.resolve("aws"));
        for (String f : List.of("api", "indexer")) {
            TfModule.Block fn = aws.resource("aws_lambda_function", f).orElseThrow();
            assertEquals(
                    "${var.tracing_mode}",
                    fn.body().path("tracing_config").path(0).path("mode").asText(),
                    f);
        }
        TfModule.Block mode = aws.blocks("variable").stream()
                .filter(v -> v.name().equals("tracing_mode"))
                .findFirst()
                .orElseThrow();
        assertEquals("Active", mode.body().path("default").asText());
    }
}
