package dev.abi.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.cli.ApiOptions;
import dev.abi.cli.Json;
import dev.abi.cli.UsageException;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code abi query}: nearest neighbours of a vector, a text or a stored id; prints the reply. */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Queries a namespace by vector, text or stored id and prints the matches as JSON.")
public final class QueryCommand implements Callable<Integer> {

    @Option(names = "--ns", required = true, paramLabel = "NAME", description = "The namespace.")
    String ns;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    /** Exactly one of vector, text, id. */
    static final class What {
        @Option(names = "--vector", paramLabel = "X,Y,...", description = "The query vector, comma-separated.")
        String vector;

        @Option(names = "--text", description = "A text, embedded by the server.")
        String text;

        @Option(names = "--id", description = "The id of a stored vector whose values are the query.")
        String id;
    }

    @Option(
            names = {"-k", "--top-k"},
            defaultValue = "10",
            showDefaultValue = Visibility.ALWAYS,
            description = "Matches to return (1..1000).")
    int topK;

    @Option(names = "--filter", paramLabel = "JSON", description = "A filter, e.g. '{\"lang\":\"en\"}'.")
    String filter;

    @Option(names = "--as-of", paramLabel = "VERSION", description = "Read the namespace as of this version.")
    Long asOf;

    @Option(names = "--values", description = "Include the matches' values.")
    boolean values;

    @Option(names = "--no-attributes", description = "Leave the matches' attributes out.")
    boolean noAttributes;

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Names.namespace(ns, "--ns");
        if (topK < 1 || topK > 1000) {
            throw new UsageException("--top-k must be 1..1000, got " + topK);
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (what.vector != null) {
            ArrayNode v = body.putArray("vector");
            for (String x : what.vector.split("[,\\s]+")) {
                if (x.isEmpty()) {
                    continue;
                }
                try {
                    v.add(Double.parseDouble(x));
                } catch (NumberFormatException e) {
                    throw new UsageException("--vector: '" + x + "' is not a number");
                }
            }
            if (v.isEmpty()) {
                throw new UsageException("--vector needs at least one number");
            }
        } else if (what.text != null) {
            body.put("text", what.text);
        } else {
            body.put("id", what.id);
        }
        body.put("topK", topK);
        if (filter != null) {
            try {
                JsonNode f = Json.MAPPER.readTree(filter);
                if (f == null || !f.isObject()) {
                    throw new UsageException("--filter must be a JSON object");
                }
                body.set("filter", f);
            } catch (JsonProcessingException e) {
                throw new UsageException("--filter is not JSON: " + e.getOriginalMessage());
            }
        }
        body.put("includeAttributes", !noAttributes).put("includeValues", values);
        if (asOf != null) {
            body.putObject("asOf").put("version", asOf);
        }
        JsonNode reply = api.client().expect("POST", "/v1/namespaces/" + ns + "/query", body, 200);
        spec.commandLine().getOut().println(Json.pretty(reply));
        return 0;
    }
}
