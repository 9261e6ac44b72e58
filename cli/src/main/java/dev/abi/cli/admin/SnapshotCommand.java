package dev.abi.cli.admin;

import dev.abi.cli.ApiOptions;
import dev.abi.cli.Json;
import dev.abi.cli.UsageException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code abi snapshot --ns NAME SNAPSHOT} tags the current version; {@code --list} lists the tags. */
@Command(
        name = "snapshot",
        mixinStandardHelpOptions = true,
        description = {"Tags a namespace's current version with a name that GC keeps, or lists the tags."})
public final class SnapshotCommand implements Callable<Integer> {

    @Option(names = "--ns", required = true, paramLabel = "NAME", description = "The namespace.")
    String ns;

    @Parameters(paramLabel = "SNAPSHOT", arity = "0..1", description = "The snapshot's name.")
    String name;

    @Option(names = "--list", description = "List the snapshots instead.")
    boolean list;

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Names.namespace(ns, "--ns");
        String path = "/v1/namespaces/" + ns + "/snapshots";
        if (list) {
            if (name != null) {
                throw new UsageException("--list takes no SNAPSHOT name");
            }
            return Printing.print(spec, api.client().expect("GET", path, null, 200));
        }
        if (name == null || name.isBlank()) {
            throw new UsageException("a SNAPSHOT name is required (or --list)");
        }
        return Printing.print(
                spec,
                api.client().expect("POST", path, Json.MAPPER.createObjectNode().put("name", name), 201, 200));
    }
}
