package dev.abi.cli.admin;

import dev.abi.cli.ApiOptions;
import dev.abi.cli.Json;
import dev.abi.cli.UsageException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code abi ns list|describe|create|delete}. */
@Command(
        name = "ns",
        mixinStandardHelpOptions = true,
        description = "Lists, describes, creates and deletes namespaces.",
        subcommands = {NsCommand.List.class, NsCommand.Describe.class, NsCommand.Create.class, NsCommand.Delete.class})
public final class NsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "a subcommand is required: list, describe, create or delete");
    }

    /** {@code GET /v1/namespaces}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the namespaces.")
    static final class List implements Callable<Integer> {
        @Option(names = "--prefix", description = "Only names starting with this (servers with API v1.1).")
        String prefix;

        @Mixin
        ApiOptions api;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            String path = "/v1/namespaces" + (prefix == null ? "" : "?prefix=" + Names.q(prefix));
            return Printing.print(spec, api.client().expect("GET", path, null, 200));
        }
    }

    /** {@code GET /v1/namespaces/{ns}}. */
    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description = "Shows a namespace's dimension, metric, count and version.")
    static final class Describe implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The namespace.")
        String ns;

        @Mixin
        ApiOptions api;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Names.namespace(ns, "NAME");
            return Printing.print(spec, api.client().expect("GET", "/v1/namespaces/" + ns, null, 200));
        }
    }

    /** {@code PUT /v1/namespaces/{ns}}. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Creates a namespace (an identical one already there is fine).")
    static final class Create implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The namespace.")
        String ns;

        @Option(names = "--dimension", required = true, description = "Values per vector.")
        int dimension;

        @Option(
                names = "--metric",
                defaultValue = "cosine",
                showDefaultValue = Visibility.ALWAYS,
                description = "cosine, dot or l2.")
        String metric;

        @Option(names = "--embedding-model", description = "The model documents are embedded with (API v1.1).")
        String embeddingModel;

        @Mixin
        ApiOptions api;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Names.namespace(ns, "NAME");
            if (dimension < 1) {
                throw new UsageException("--dimension must be positive, got " + dimension);
            }
            if (!metric.matches("cosine|dot|l2")) {
                throw new UsageException("--metric must be cosine, dot or l2, got '" + metric + "'");
            }
            var body =
                    Json.MAPPER.createObjectNode().put("dimension", dimension).put("metric", metric);
            if (embeddingModel != null) {
                body.put("embeddingModel", embeddingModel);
            }
            return Printing.print(spec, api.client().expect("PUT", "/v1/namespaces/" + ns, body, 200, 201));
        }
    }

    /** {@code DELETE /v1/namespaces/{ns}}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a namespace and its data.")
    static final class Delete implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The namespace.")
        String ns;

        @Mixin
        ApiOptions api;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Names.namespace(ns, "NAME");
            api.client().expect("DELETE", "/v1/namespaces/" + ns, null, 204, 200);
            spec.commandLine().getOut().println("deleted namespace '" + ns + "'");
            return 0;
        }
    }
}
