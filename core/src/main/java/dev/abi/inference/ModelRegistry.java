package dev.abi.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The models an instance serves, by name. Each is loaded (memory-mapped) on first use and kept for the life of the
 * instance. On the local server every {@code *.gguf} file of the models directory is served under its file name
 * without {@code .gguf}.
 */
public final class ModelRegistry implements AutoCloseable {

    /** A loaded model with its tokenizer and chat template. */
    public record Loaded(String name, LlamaModel model, Tokenizer tokenizer, ChatTemplate chatTemplate) {
    }

    private final Map<String, Path> paths;
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();

    public ModelRegistry(Map<String, Path> paths) {
        this.paths = new TreeMap<>(paths);
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
        return new ArrayList<>(paths.keySet());
    }

    /**
     * The model, loaded on first use.
     *
     * @throws UnknownModelException when no model has this name
     * @throws ModelFormatException when its file cannot be used
     */
    public Loaded get(String name) {
        Path path = paths.get(name);
        if (path == null) {
            throw new UnknownModelException(name, names());
        }
        return loaded.computeIfAbsent(name, n -> {
            LlamaModel model = LlamaModel.load(path);
            try (GgufFile f = GgufFile.open(path)) {
                Object template = f.metadata().get("tokenizer.chat_template");
                return new Loaded(n, model, Tokenizer.from(f),
                        ChatTemplate.detect(template instanceof String s ? s : null));
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        });
    }

    @Override
    public void close() {
        loaded.values().forEach(l -> l.model().close());
    }
}
