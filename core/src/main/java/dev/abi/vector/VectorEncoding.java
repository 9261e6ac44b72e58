package dev.abi.vector;

/** How an index holds the vectors its graph walk reads. Recorded in the index metadata. */
public enum VectorEncoding {
    /** The float vectors themselves. */
    FLOAT32,
    /**
     * One byte per dimension (scalar quantization with a per-dimension offset and step, trained on the first
     * vectors); the walk scores codes, then the best candidates are re-ranked on the float vectors.
     */
    INT8,
    /**
     * Product quantization: one byte per four dimensions (256 k-means centroids per 4-dimension slice, trained on
     * the first vectors); the walk scores codes through a per-query table, then re-ranks on the float vectors.
     */
    PQ
}
