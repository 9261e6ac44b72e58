package dev.abi.cli.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.cli.ApiClient;
import dev.abi.cli.ApiOptions;
import dev.abi.cli.CliException;
import dev.abi.cli.Json;
import dev.abi.cli.UsageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code abi ingest FILE|DIR... --ns NAME}: vectors and text documents into a namespace. Each input file is read in
 * order and cut into batches within the API's limits; batch {@code i} of a file is sent with the
 * {@code Idempotency-Key} {@code abi-ingest-<fingerprint>-<i>}, where the fingerprint hashes the namespace and the
 * file's path, size and modification time. So a re-run sends the same keys: batches the state file records as
 * acknowledged are skipped, and one whose acknowledgement was lost is replayed by the server, not applied twice.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Upserts vectors (.jsonl, .json, .csv) and text documents (.txt, .md) into a namespace.",
            "Resumable: acknowledged batches are recorded in a state file, and a re-run skips them."
        },
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {
            "0:every batch was applied",
            "1:some batches failed (listed), or the server refused",
            "2:usage error"
        })
public final class IngestCommand implements Callable<Integer> {

    @Parameters(
            paramLabel = "FILE|DIR",
            arity = "1..*",
            description = "Input files, or directories whose supported files are read in name order.")
    List<Path> inputs;

    @Option(names = "--ns", required = true, paramLabel = "NAME", description = "The namespace.")
    String ns;

    @Option(
            names = "--batch-size",
            defaultValue = "1000",
            showDefaultValue = Visibility.ALWAYS,
            description = "Most vectors per request (1..1000).")
    int batchSize;

    @Option(
            names = "--doc-batch-size",
            defaultValue = "16",
            showDefaultValue = Visibility.ALWAYS,
            description = "Most documents per request (1..1000); the server embeds each batch before answering.")
    int docBatchSize;

    @Option(
            names = "--max-batch-bytes",
            defaultValue = "6000000",
            showDefaultValue = Visibility.ALWAYS,
            description = "Most bytes per request body (the server's limit is 6 MB by default).")
    long maxBatchBytes;

    @Option(names = "--model", description = "Embedding model for documents (default: the namespace's).")
    String model;

    @Option(
            names = "--state",
            paramLabel = "FILE",
            description = "The state file (default: .abi-ingest-NAME.state beside the first input).")
    Path statePath;

    @Option(names = "--restart", description = "Forget the state file and send every batch again.")
    boolean restart;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        validate();
        List<Path> files = files();
        Path state = statePath != null ? statePath : defaultState(inputs.get(0), ns);
        Summary summary = new Summary();
        ApiClient client = api.client().onRetry(summary::retried);
        PrintWriter err = spec.commandLine().getErr();
        long totalBytes = 0;
        for (Path f : files) {
            totalBytes += Files.size(f);
        }
        Progress progress = quiet ? null : new Progress(err, totalBytes, System.console() != null, System::nanoTime);
        Thread interrupted = new Thread(() -> err.printf(
                "%nabi ingest: stopped; acknowledged batches are recorded" + " in %s, so the same command resumes%n",
                state));
        Runtime.getRuntime().addShutdownHook(interrupted);
        try (IngestState ack = IngestState.open(state, restart)) {
            Sender sender = new Sender(client, ack, summary);
            long bytesBefore = 0;
            for (Path f : files) {
                String fingerprint = fingerprint(ns, f);
                int index = 0;
                Batch batch = null;
                try (RecordReader reader = RecordReader.open(f, documentId(f))) {
                    for (Record r = reader.next(); r != null; r = reader.next()) {
                        byte[] bytes = Json.bytes(r.json());
                        if (bytes.length + Batch.OVERHEAD > maxBatchBytes) {
                            summary.fail(
                                    1,
                                    r.origin() + ": " + bytes.length + " bytes, more than a request may" + " carry ("
                                            + maxBatchBytes + ")");
                            continue;
                        }
                        int max = r.kind() == Record.Kind.VECTOR ? batchSize : docBatchSize;
                        if (batch != null
                                && (batch.kind != r.kind() || !batch.fits(bytes.length, max, maxBatchBytes))) {
                            sender.send(batch, fingerprint);
                            batch = null;
                        }
                        if (batch == null) {
                            batch = new Batch(r.kind(), index++, r.origin());
                        }
                        batch.add(bytes);
                        if (progress != null) {
                            progress.update(
                                    bytesBefore + r.bytesRead(), summary.recordsSent + summary.skippedRecords, false);
                        }
                    }
                }
                if (batch != null) {
                    sender.send(batch, fingerprint);
                }
                bytesBefore += Files.size(f);
            }
            if (progress != null) {
                progress.update(totalBytes, summary.recordsSent + summary.skippedRecords, true);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(interrupted);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs: that is the Ctrl-C case
            }
        }
        summary.print(spec.commandLine().getOut(), ns, state);
        return summary.failures.isEmpty() ? 0 : 1;
    }

    /** Sends batches, skipping acknowledged ones and recording new acknowledgements. */
    private final class Sender {
        private final ApiClient client;
        private final IngestState ack;
        private final Summary summary;

        Sender(ApiClient client, IngestState ack, Summary summary) {
            this.client = client;
            this.ack = ack;
            this.summary = summary;
        }

        void send(Batch batch, String fingerprint) {
            String key = "abi-ingest-" + fingerprint + "-" + batch.index;
            if (ack.acknowledged(key)) {
                summary.skippedBatches++;
                summary.skippedRecords += batch.size();
                return;
            }
            String path = "/v1/namespaces/" + ns + "/" + batch.kind.field;
            ApiClient.Response r = client.send("POST", path, batch.body(model), Map.of("Idempotency-Key", key));
            summary.batchesSent++;
            summary.recordsSent += batch.size();
            String what = "batch " + batch.index + " (" + batch.size() + " " + batch.kind.field + " from "
                    + batch.firstOrigin + ")";
            if (r.status() == 200) {
                JsonNode reply = r.json();
                summary.applied += batch.kind == Record.Kind.VECTOR
                        ? reply.path("upserted").asLong(batch.size())
                        : reply.path("documents").asLong(batch.size());
                if ("true".equalsIgnoreCase(r.header("Idempotent-Replayed"))) {
                    summary.replayed++;
                }
                ack.record(key);
            } else if (r.status() == 401 || r.status() == 403) {
                throw new CliException("the server refused " + what + " with " + r.status() + ": "
                        + ApiClient.explain(r)
                        + (r.status() == 401
                                ? "; set --api-key or ABI_API_KEY"
                                : "; the key needs write access to '" + ns + "'"));
            } else {
                summary.fail(batch.size(), what + ": " + r.status() + " " + ApiClient.explain(r));
            }
        }
    }

    private void validate() {
        if (!ns.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new UsageException("--ns must match [A-Za-z0-9_-]{1,64}, got '" + ns + "'");
        }
        if (batchSize < 1 || batchSize > 1000) {
            throw new UsageException("--batch-size must be 1..1000, got " + batchSize);
        }
        if (docBatchSize < 1 || docBatchSize > 1000) {
            throw new UsageException("--doc-batch-size must be 1..1000, got " + docBatchSize);
        }
        if (maxBatchBytes < 4096) {
            throw new UsageException("--max-batch-bytes must be at least 4096, got " + maxBatchBytes);
        }
    }

    /** The input files: each named file, and the supported files under each directory, in name order. */
    private List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                try (Stream<Path> walk = Files.walk(in)) {
                    walk.filter(Files::isRegularFile)
                            .filter(p -> !p.getFileName().toString().startsWith("."))
                            .filter(RecordReader::supported)
                            .sorted()
                            .forEach(out::add);
                }
            } else if (Files.isRegularFile(in)) {
                if (!RecordReader.supported(in)) {
                    throw new UsageException(in + ": not .jsonl, .json, .csv, .txt or .md");
                }
                out.add(in);
            } else {
                throw new UsageException(in + ": no such file or directory");
            }
        }
        if (out.isEmpty()) {
            throw new UsageException("no .jsonl, .json, .csv, .txt or .md files in " + inputs);
        }
        return out;
    }

    /** {@code .abi-ingest-NAME.state} in the directory given, or beside the file given. */
    static Path defaultState(Path input, String ns) {
        Path dir = Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
        return dir.resolve(".abi-ingest-" + ns + ".state");
    }

    /** A text file's document id: its file name without the extension. */
    static String documentId(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** 16 hex digits of SHA-256 over the namespace and the file's absolute path, size and modification time. */
    static String fingerprint(String ns, Path file) throws IOException {
        String identity = ns + "\n" + file.toAbsolutePath().normalize() + "\n" + Files.size(file) + "\n"
                + Files.getLastModifiedTime(file).toMillis();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
