package dev.abi.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.cli.ApiClient;
import dev.abi.cli.ApiOptions;
import dev.abi.cli.CliException;
import dev.abi.cli.Json;
import dev.abi.cli.UsageException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code abi export --ns NAME [--as-of V] [--out FILE]}: every vector of a namespace as JSONL
 * ({@code {"id","values","attributes"}} a line, ids ascending), read page by page with the list call of API v1.1
 * ({@code GET /v1/namespaces/{ns}/vectors}). Every page after the first reads the version of the first, so the export
 * is one consistent state even while writes go on. The output is a valid {@code abi ingest} input.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Writes every vector of a namespace as JSONL (needs a server with API v1.1's list call).")
public final class ExportCommand implements Callable<Integer> {

    static final String LIST_ROUTE = "GET /v1/namespaces/{ns}/vectors";

    @Option(names = "--ns", required = true, paramLabel = "NAME", description = "The namespace.")
    String ns;

    @Option(names = "--as-of", paramLabel = "VERSION", description = "Export the namespace as of this version.")
    Long asOf;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "FILE",
            description = "Write here instead of standard output.")
    Path out;

    @Option(names = "--page-size", defaultValue = "1000", description = "Vectors per request (1..1000).")
    int pageSize;

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Names.namespace(ns, "--ns");
        if (pageSize < 1 || pageSize > 1000) {
            throw new UsageException("--page-size must be 1..1000, got " + pageSize);
        }
        ApiClient client = api.client();
        long count = 0;
        Writer w = out != null
                ? Files.newBufferedWriter(out, StandardCharsets.UTF_8)
                : spec.commandLine().getOut();
        try {
            String cursor = null;
            Long version = asOf;
            do {
                StringBuilder path = new StringBuilder("/v1/namespaces/" + ns + "/vectors?limit=" + pageSize
                        + "&includeValues=true&includeAttributes=true");
                if (version != null) {
                    path.append("&asOfVersion=").append(version);
                }
                if (cursor != null) {
                    path.append("&cursor=").append(Names.q(cursor));
                }
                ApiClient.Response r = client.send("GET", path.toString(), null, Map.of());
                if (r.status() == 404 || r.status() == 405) {
                    throw missingRoute(client, r);
                }
                if (r.status() != 200) {
                    throw ApiClient.failure("GET", path.toString(), r);
                }
                JsonNode page = r.json();
                JsonNode vectors = page.path("vectors");
                if (!vectors.isArray()) {
                    throw new CliException("the server's reply to " + LIST_ROUTE + " has no \"vectors\" array");
                }
                for (JsonNode v : vectors) {
                    w.write(Json.MAPPER.writeValueAsString(v));
                    w.write('\n');
                    count++;
                }
                if (version == null && page.hasNonNull("version")) {
                    version = page.get("version").asLong();
                }
                cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
            } while (cursor != null);
        } finally {
            w.flush();
            if (out != null) {
                w.close();
            }
        }
        spec.commandLine().getErr().println("abi export: " + count + " vectors of '" + ns + "'");
        return 0;
    }

    /** A 404 or 405: the namespace is unknown, or the server predates the list call; which one, said plainly. */
    private CliException missingRoute(ApiClient client, ApiClient.Response r) {
        ApiClient.Response ns404 = client.send("GET", "/v1/namespaces/" + ns, null, Map.of());
        if (ns404.status() == 404) {
            return new CliException("namespace '" + ns + "' does not exist");
        }
        return new CliException("this server does not serve " + LIST_ROUTE + " (it answered " + r.status()
                + "): export needs the vector list call of API v1.1, which this server does not have yet");
    }
}
