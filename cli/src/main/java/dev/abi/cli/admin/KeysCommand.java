package dev.abi.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.cli.ApiOptions;
import dev.abi.cli.Json;
import dev.abi.cli.UsageException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code abi keys create|list|revoke}: API keys, with an admin key. */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "Creates, lists and revokes API keys (admin).",
        subcommands = {KeysCommand.Create.class, KeysCommand.List.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "a subcommand is required: create, list or revoke");
    }

    /** {@code POST /v1/admin/keys}: the new secret goes to standard output, once. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Creates an API key and prints it once: the server keeps only its hash.",
                "Grants are ROLE:NAMESPACE, e.g. write:docs, read:*, admin:*."
            })
    static final class Create implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "A label for the key.")
        String name;

        @Option(names = "--grant", required = true, paramLabel = "ROLE:NS", description = "A grant; repeatable.")
        java.util.List<String> grants;

        @Mixin
        ApiOptions api;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            for (String g : grants) {
                if (!g.matches("(read|write|admin):[A-Za-z0-9_*-]{1,64}")) {
                    throw new UsageException("--grant must be read|write|admin:NAMESPACE (or *), got '" + g + "'");
                }
            }
            var body = Json.MAPPER.createObjectNode().put("name", name);
            grants.forEach(body.putArray("grants")::add);
            JsonNode reply = api.client().expect("POST", "/v1/admin/keys", body, 201, 200);
            spec.commandLine().getErr().println("abi: the key is shown once; store it now");
            return Printing.print(spec, reply);
        }
    }

    /** {@code GET /v1/admin/keys}: ids, names and grants, never secrets. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists API keys (without secrets).")
    static final class List implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return Printing.print(spec, api.client().expect("GET", "/v1/admin/keys", null, 200));
        }
    }

    /** {@code DELETE /v1/admin/keys/{id}}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes an API key by its id.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "The key's id (12 hex digits).")
        String id;

        @Mixin
        ApiOptions api;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (!id.matches("[0-9a-f]{12}")) {
                throw new UsageException("ID must be a key id of 12 hex digits, got '" + id + "'");
            }
            api.client().expect("DELETE", "/v1/admin/keys/" + id, null, 204, 200);
            spec.commandLine().getOut().println("revoked key " + id);
            return 0;
        }
    }
}
