package dev.abi.cli.admin;

import dev.abi.cli.ApiOptions;
import dev.abi.cli.UsageException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code abi versions --ns NAME}: the commit history, newest first. */
@Command(
        name = "versions",
        mixinStandardHelpOptions = true,
        description = "Lists a namespace's versions (commits), newest first.")
public final class VersionsCommand implements Callable<Integer> {

    @Option(names = "--ns", required = true, paramLabel = "NAME", description = "The namespace.")
    String ns;

    @Option(names = "--limit", description = "Most versions to list.")
    Integer limit;

    @Option(names = "--before", paramLabel = "VERSION", description = "Only versions older than this one.")
    Long before;

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Names.namespace(ns, "--ns");
        if (limit != null && limit < 1) {
            throw new UsageException("--limit must be positive, got " + limit);
        }
        StringBuilder path = new StringBuilder("/v1/namespaces/" + ns + "/versions");
        String sep = "?";
        if (limit != null) {
            path.append(sep).append("limit=").append(limit);
            sep = "&";
        }
        if (before != null) {
            path.append(sep).append("before=").append(before);
        }
        return Printing.print(spec, api.client().expect("GET", path.toString(), null, 200));
    }
}
