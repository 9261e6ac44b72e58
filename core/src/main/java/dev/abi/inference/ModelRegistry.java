package dev.abi.inference;

import dev.abi.telemetry.MetricNames;
import dev.abi.telemetry.Telemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The models an instance serves, by name: text generation models ({@link #get}) and sentence-embedding models
 * ({@link #embedder}), told apart by their GGUF architecture. Each is loaded (memory-mapped) on first use and kept for
 * the life of the instance. On the local server every {@code *.gguf} file of the models directory is served under its
 * file name without {@code .gguf}.
 */
public final class ModelRegistry implements AutoCloseable {

    /** A loaded model with its tokenizer and chat template. */
    public record Loaded(String name, LlamaModel model, Tokenizer tokenizer, ChatTemplate chatTemplate) {}

    /** A model kept as an object: fetched once per instance to local storage, its SHA-256 checked. */
    public record StoredModel(dev.abi.store.ObjectStore store, String key, String sha256) {}

    private final Map<String, Path> paths;
    private final Map<String, StoredModel> stored;
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
    private final Map<String, BertModel> embedders = new ConcurrentHashMap<>();
    private final Map<String, Path> files = new ConcurrentHashMap<>();

    public ModelRegistry(Map<String, Path> paths) {
        this(paths, Map.of());
    }

    /**
     * @param stored models kept in an object store, by name; each is fetched on first use into a temporary file
     */
    public ModelRegistry(Map<String, Path> paths, Map<String, StoredModel> stored) {
        this.paths = new TreeMap<>(paths);
        this.stored = new TreeMap<>(stored);
    }

    /** Every {@code *.gguf} in {@code dir}; an absent directory serves no models. */
    public static ModelRegistry scan(Path dir) {
        Map<String, Path> found = new TreeMap<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.getFileName().toString().endsWith(".gguf") && Files.isRegularFile(p))
                        .forEach(p -> {
                            String file = p.getFileName().toString();
                            found.put(file.substring(0, file.length() - ".gguf".length()), p);
                        });
            } catch (IOException e) {
                throw new ModelFormatException("cannot list models in " + dir + ": " + e.getMessage(), e);
            }
        }
        return new ModelRegistry(found);
    }

    public List<String> names() {
        TreeSet<String> all = new TreeSet<>(paths.keySet());
        all.addAll(stored.keySet());
        return new ArrayList<>(all);
    }

    /**
     * The model, loaded on first use.
     *
     * @throws UnknownModelException when no model has this name
     * @throws ModelFormatException when its file cannot be used
     */
    public Loaded get(String name) {
        Path file = file(name);
        return loaded.computeIfAbsent(name, n -> {
            Path path = file;
            if (architecture(path).equals("bert")) {
                throw new WrongModelKindException("model '" + n + "' is an embedding model; use it with /v1/embeddings"
                        + " or the documents routes");
            }
            long loadStart = System.nanoTime();
            LlamaModel model = LlamaModel.load(path);
            Telemetry.metrics().record(MetricNames.MODEL_LOADS, Telemetry.since(loadStart), "kind", "generation");
            try (GgufFile f = GgufFile.open(path)) {
                Object template = f.metadata().get("tokenizer.chat_template");
                return new Loaded(
                        n, model, Tokenizer.from(f), ChatTemplate.detect(template instanceof String s ? s : null));
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        });
    }

    /**
     * The embedding model, loaded on first use.
     *
     * @throws UnknownModelException when no model has this name
     * @throws WrongModelKindException when it is a text generation model
     */
    public Embedder embedder(String name) {
        Path file = file(name);
        return embedders.computeIfAbsent(name, n -> {
            String arch = architecture(file);
            if (!arch.equals("bert")) {
                throw new WrongModelKindException("model '" + n + "' (architecture " + arch + ") is not an embedding"
                        + " model; embedding models have the bert architecture");
            }
            long loadStart = System.nanoTime();
            BertModel loaded = BertModel.load(file, n);
            Telemetry.metrics().record(MetricNames.MODEL_LOADS, Telemetry.since(loadStart), "kind", "embedding");
            return loaded;
        });
    }

    /** The model's local file: configured, or fetched from its object once. */
    private Path file(String name) {
        if (!paths.containsKey(name) && !stored.containsKey(name)) {
            throw new UnknownModelException(name, names());
        }
        return files.computeIfAbsent(name, n -> paths.containsKey(n) ? paths.get(n) : fetch(n, stored.get(n)));
    }

    private static String architecture(Path path) {
        try (GgufFile f = GgufFile.open(path)) {
            return f.string("general.architecture");
        }
    }

    private static final int CHUNK = 16 << 20;

    /** Copies the object to a temporary file in chunks (never whole on the heap), checking its SHA-256. */
    private static Path fetch(String name, StoredModel m) {
        try {
            Path file = Files.createTempFile("abi-model-" + name + "-", ".gguf");
            file.toFile().deleteOnExit();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (var out = Files.newOutputStream(file)) {
                long offset = 0;
                while (true) {
                    byte[] chunk = m.store().getRange(m.key(), offset, CHUNK);
                    out.write(chunk);
                    sha.update(chunk);
                    offset += chunk.length;
                    if (chunk.length < CHUNK) {
                        break;
                    }
                }
            }
            String got = HexFormat.of().formatHex(sha.digest());
            if (m.sha256() == null || !got.equalsIgnoreCase(m.sha256())) {
                Files.deleteIfExists(file);
                throw new ModelFormatException("model '" + name + "' at object '" + m.key() + "' has SHA-256 " + got
                        + ", configured " + m.sha256());
            }
            return file;
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new ModelFormatException("model '" + name + "': cannot fetch object '" + m.key() + "': " + e, e);
        } catch (dev.abi.store.ObjectNotFoundException e) {
            throw new ModelFormatException("model '" + name + "': object '" + m.key() + "' does not exist", e);
        }
    }

    @Override
    public void close() {
        loaded.values().forEach(l -> l.model().close());
        embedders.values().forEach(BertModel::close);
    }
}
