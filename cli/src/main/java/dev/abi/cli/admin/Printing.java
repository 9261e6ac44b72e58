package dev.abi.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.cli.Json;
import picocli.CommandLine.Model.CommandSpec;

/** Prints a reply on the command's standard output. */
final class Printing {

    private Printing() {}

    static int print(CommandSpec spec, JsonNode reply) {
        spec.commandLine().getOut().println(Json.pretty(reply));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
