package dev.abi.namespace;

import dev.abi.store.CorruptObjectException;
import dev.abi.store.LocalDiskObjectStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code abi-repair} command, over the data directory of a local server (docs/runbooks/repair.md):
 * <pre>
 * abi-repair check --data DIR --namespace NS
 * abi-repair quarantine --data DIR --namespace NS --version V [--force]
 * </pre>
 * {@code check} rebuilds the head and says whether it is readable (an unreadable entry then holds writes);
 * {@code quarantine} does what {@code POST /v1/admin/namespaces/{ns}/repair} does. It is safe while the server runs:
 * every change is a conditional write, and the server rebuilds its state on its next request. Exit status 0 on
 * success (and a readable head), 1 when the head is unreadable or the repair is refused, 2 on a usage error.
 */
public final class RepairCommand {

    static final String USAGE = """
            usage: abi-repair check --data DIR --namespace NS
                   abi-repair quarantine --data DIR --namespace NS --version V [--force]""";

    private RepairCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> opts;
        try {
            opts = options(args);
        } catch (IllegalArgumentException e) {
            err.println("abi-repair: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        NamespaceService service = new NamespaceService(
                new NamespaceStore(new LocalDiskObjectStore(Path.of(opts.get("data")))), Runnable::run);
        String name = opts.get("namespace");
        try {
            if (args[0].equals("check")) {
                NamespaceInfo info = service.describe(name);
                out.println("namespace " + name + ": head readable at version " + info.version() + ", " + info.count()
                        + " vectors");
                return 0;
            }
            NamespaceService.RepairResult r =
                    service.repair(name, Long.parseLong(opts.get("version")), opts.containsKey("force"));
            out.println(
                    r.replaced()
                            ? "namespace " + name + ": quarantined version " + r.version() + "; copies: "
                                    + (r.quarantined().isEmpty()
                                            ? "none (the slot was empty)"
                                            : String.join(", ", r.quarantined()))
                            : "namespace " + name + ": version " + r.version()
                                    + " verifies again; lifted the hold only");
            if (r.headProblem() != null) {
                out.println("the head is still unreadable: " + r.headProblem());
                return 1;
            }
            out.println("the head is readable; writes are accepted again");
            return 0;
        } catch (CorruptObjectException e) {
            out.println("namespace " + name + ": head unreadable: " + e.getMessage());
            e.seq()
                    .ifPresent(seq -> out.println("writes are held; to quarantine it: abi-repair quarantine --data "
                            + opts.get("data") + " --namespace " + name + " --version " + seq));
            return 1;
        } catch (NamespaceNotFoundException | VersionNotFoundException | RepairRefusedException e) {
            err.println("abi-repair: " + e.getMessage());
            return 1;
        }
    }

    private static Map<String, String> options(String[] args) {
        if (args.length == 0 || !(args[0].equals("check") || args[0].equals("quarantine"))) {
            throw new IllegalArgumentException(args.length == 0 ? "no command" : "unknown command '" + args[0] + "'");
        }
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--force")) {
                opts.put("force", "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                opts.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("expected --option value, got '" + args[i] + "'");
            }
        }
        for (String required : new String[] {"data", "namespace"}) {
            if (!opts.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        if (!Files.isDirectory(Path.of(opts.get("data")))) {
            throw new IllegalArgumentException("--data " + opts.get("data") + " is not a directory");
        }
        if (args[0].equals("quarantine")) {
            String v = opts.get("version");
            if (v == null || !v.matches("\\d{1,18}") || Long.parseLong(v) < 1) {
                throw new IllegalArgumentException("--version must be the version to quarantine, an integer >= 1");
            }
        }
        return opts;
    }
}
