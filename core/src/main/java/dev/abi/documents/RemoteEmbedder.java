package dev.abi.documents;

import java.util.List;
import java.util.Optional;

/**
 * Another place to embed the chunks of a large ingest than this process (the GPU service): {@link DocumentIndex}
 * asks it first and embeds on the CPU whenever it answers empty. An implementation never throws for a failure of
 * the remote side; it answers empty.
 */
@FunctionalInterface
public interface RemoteEmbedder {

    /**
     * The unit vectors of {@code texts}, in order, computed by the model named {@code model}, or empty to embed them
     * here.
     *
     * @param model     the name of the model this process would use; vectors of any other model must not be returned
     * @param dimension the length of that model's vectors
     */
    Optional<float[][]> embed(String model, int dimension, List<String> texts);
}
