package dev.abi.vector.ivf;

import dev.abi.vector.StoredVector;
import dev.abi.vector.VectorIndex;
import java.util.function.Consumer;

/** Vectors a clustered segment is written from; visited more than once (training, then assignment). */
public interface VectorSource {

    /** How many vectors {@link #forEach} visits. */
    int size();

    /** Visits every vector, in the same order each time. */
    void forEach(Consumer<StoredVector> visitor);

    /** The live vectors of an index (the indexer's state). */
    static VectorSource of(VectorIndex index) {
        return new VectorSource() {
            @Override
            public int size() {
                return index.size();
            }

            @Override
            public void forEach(Consumer<StoredVector> visitor) {
                index.forEach(visitor);
            }
        };
    }
}
