package dev.abi.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code abi bench inference|query}. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measures inference (tokens/s, like llama-bench) or queries against a server (QPS, latency).",
        subcommands = {InferenceBench.class, QueryBench.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: inference or query");
    }
}
