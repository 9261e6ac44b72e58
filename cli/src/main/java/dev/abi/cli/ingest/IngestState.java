package dev.abi.cli.ingest;

import dev.abi.cli.CliException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The batches a server acknowledged, by their {@code Idempotency-Key}: one line each, appended and flushed as each
 * acknowledgement arrives, so that whatever stops a run (Ctrl-C, a crash) leaves a file a re-run can trust. A batch
 * whose acknowledgement was lost is simply sent again with the same key, and the server replays its first answer.
 */
public final class IngestState implements AutoCloseable {

    private final Path path;
    private final Set<String> done = new HashSet<>();
    private Writer out;

    private IngestState(Path path) {
        this.path = path;
    }

    /** The state at {@code path}: empty when the file does not exist or {@code restart} asks to forget it. */
    public static IngestState open(Path path, boolean restart) {
        IngestState s = new IngestState(path);
        try {
            if (restart) {
                Files.deleteIfExists(path);
            } else if (Files.exists(path)) {
                for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        s.done.add(line.trim());
                    }
                }
            }
        } catch (IOException e) {
            throw new CliException("cannot read the state file " + path + ": " + e.getMessage());
        }
        return s;
    }

    /** Where it lives. */
    public Path path() {
        return path;
    }

    /** Whether the batch with this key was acknowledged by an earlier run or this one. */
    public boolean acknowledged(String key) {
        return done.contains(key);
    }

    /** How many acknowledged batches it records. */
    public int size() {
        return done.size();
    }

    /** Records an acknowledged batch, on disk before this returns. */
    public void record(String key) {
        try {
            if (out == null) {
                Path parent = path.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                boolean fresh = !Files.exists(path);
                out = Files.newBufferedWriter(
                        path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (fresh) {
                    out.write("# abi ingest: Idempotency-Keys of acknowledged batches; delete to send everything"
                            + " again\n");
                }
            }
            out.write(key);
            out.write('\n');
            out.flush();
            done.add(key);
        } catch (IOException e) {
            throw new CliException("cannot write the state file " + path + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // every line was flushed when it was written
            }
        }
    }
}
