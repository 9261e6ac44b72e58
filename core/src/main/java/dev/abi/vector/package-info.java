/**
 * The vector index: the exact SIMD scan (FlatVectorIndex, transposed panels), the HNSW graph (HnswIndex, one
 * GraphSearcher over a GraphView shared with the in-place segment view), int8 and PQ codes, segments and their
 * formats, filters, and the index kernels behind VectorOpsProvider (Panama or scalar). May use simd only.
 */
package dev.abi.vector;
