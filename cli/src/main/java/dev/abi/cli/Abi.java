package dev.abi.cli;

import dev.abi.cli.admin.ExportCommand;
import dev.abi.cli.admin.KeysCommand;
import dev.abi.cli.admin.NsCommand;
import dev.abi.cli.admin.QueryCommand;
import dev.abi.cli.admin.RestoreCommand;
import dev.abi.cli.admin.SnapshotCommand;
import dev.abi.cli.admin.VersionsCommand;
import dev.abi.cli.bench.BenchCommand;
import dev.abi.cli.ingest.IngestCommand;
import dev.abi.cli.model.ConvertCommand;
import dev.abi.cli.model.GgufCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code abi}: the top command. Exit status 0 when the command did what was asked, 1 when it failed (the message says
 * why), 2 on a usage error (unknown option, missing or malformed argument).
 */
@Command(
        name = "abi",
        mixinStandardHelpOptions = true,
        version = "abi 0.1.0",
        description = "Drives an ABI Serverless deployment over its HTTP API, and converts and inspects models.",
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:done", "1:failed (the message says why)", "2:usage error"},
        subcommands = {
            IngestCommand.class,
            QueryCommand.class,
            NsCommand.class,
            VersionsCommand.class,
            SnapshotCommand.class,
            RestoreCommand.class,
            KeysCommand.class,
            ExportCommand.class,
            ConvertCommand.class,
            GgufCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Abi implements Runnable {

    /** Exit status: done. */
    public static final int OK = 0;
    /** Exit status: the command failed. */
    public static final int FAILED = 1;
    /** Exit status: the command line is wrong. */
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs {@code abi args} with the given output and error streams, and returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(out, err);
        int status = cli.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /** The configured command line: exit codes 0/1/2 and one-line errors, never a stack trace. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Abi());
        cli.setOut(out).setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExitCodeExceptionMapper(e -> e instanceof UsageException ? USAGE : FAILED);
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("abi: " + e.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("abi: " + message(e));
            c.getErr().flush();
            if (e instanceof UsageException) {
                c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
                return USAGE;
            }
            return FAILED;
        });
        return cli;
    }

    /** What to tell the user about an exception: its own message for ours, its kind and message otherwise. */
    static String message(Throwable e) {
        if (e instanceof CliException) {
            return e.getMessage();
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory (raise -Xmx through ABI_JAVA_OPTS)";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "a command is required (ingest, query, ns, "
                        + "versions, snapshot, restore, keys, export, convert, gguf, bench)");
    }
}
