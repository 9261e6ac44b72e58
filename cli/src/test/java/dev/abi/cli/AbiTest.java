package dev.abi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The top command: every command and subcommand has --help, and the exit codes of the conventions. */
class AbiTest {

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        CommandLine top = Abi.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<List<String>> paths = new ArrayList<>();
        collect(top, new ArrayList<>(), paths);
        assertTrue(paths.size() >= 20, "commands found: " + paths);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertEquals(0, r.status(), path + ": " + r);
            assertTrue(
                    r.out().startsWith("Usage: abi" + (path.isEmpty() ? "" : " " + String.join(" ", path))),
                    path + ": " + r.out());
        }
    }

    private static void collect(CommandLine c, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        c.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> p = new ArrayList<>(path);
                p.add(name);
                collect(sub, p, out);
            }
        });
    }

    @Test
    void noCommandOrAnUnknownOneIsAUsageError() {
        Cli.Result none = Cli.run();
        assertEquals(2, none.status(), none.toString());
        assertTrue(none.err().contains("a command is required"), none.err());
        Cli.Result unknown = Cli.run("frobnicate");
        assertEquals(2, unknown.status(), unknown.toString());
        assertTrue(unknown.err().contains("'frobnicate'"), unknown.err());
        assertEquals(0, Cli.run("--version").status());
    }

    @Test
    void anUnexpectedExceptionIsOneLineNotAStackTrace() {
        assertEquals("IllegalStateException: boom", Abi.message(new IllegalStateException("boom")));
        assertEquals("the cause", Abi.message(new CliException("the cause")));
    }
}
