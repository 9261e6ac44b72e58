package dev.abi.cli.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.cli.ApiOptions;
import dev.abi.cli.Json;
import dev.abi.cli.UsageException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code abi restore --ns NAME (--version V | --timestamp T | --snapshot S)}: a new commit with an old state. */
@Command(
        name = "restore",
        description = "Restores a namespace to a version, a time or a snapshot, as a new commit (undo: restore again).")
public final class RestoreCommand implements Callable<Integer> {

    /** Only --help: the standard -V/--version would clash with the --version to restore. */
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--ns", required = true, paramLabel = "NAME", description = "The namespace.")
    String ns;

    @ArgGroup(exclusive = true, multiplicity = "1")
    From from;

    /** Exactly one source. */
    static final class From {
        @Option(names = "--version", paramLabel = "V", description = "A version number.")
        Long version;

        @Option(names = "--timestamp", paramLabel = "T", description = "An instant, e.g. 2026-11-23T12:00:00Z.")
        String timestamp;

        @Option(names = "--snapshot", paramLabel = "S", description = "A snapshot name.")
        String snapshot;
    }

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Names.namespace(ns, "--ns");
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (from.version != null) {
            if (from.version < 0) {
                throw new UsageException("--version must not be negative, got " + from.version);
            }
            body.put("version", from.version);
        } else if (from.timestamp != null) {
            try {
                Instant.parse(from.timestamp);
            } catch (DateTimeParseException e) {
                throw new UsageException("--timestamp must be an ISO-8601 instant like 2026-11-23T12:00:00Z, got '"
                        + from.timestamp + "'");
            }
            body.put("timestamp", from.timestamp);
        } else {
            body.put("snapshot", from.snapshot);
        }
        return Printing.print(spec, api.client().expect("POST", "/v1/namespaces/" + ns + "/restore", body, 200));
    }
}
