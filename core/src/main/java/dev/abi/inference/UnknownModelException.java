package dev.abi.inference;

import java.util.List;

/** No model of this name is configured. */
public final class UnknownModelException extends RuntimeException {

    public UnknownModelException(String name, List<String> available) {
        super("the model '" + name + "' does not exist; available: "
                + (available.isEmpty()
                        ? "none (put *.gguf" + " files in the models directory, -Dabi.models-dir)"
                        : String.join(", ", available)));
    }
}
