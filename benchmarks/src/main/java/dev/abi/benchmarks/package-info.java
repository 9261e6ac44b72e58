/**
 * Harnesses that print markdown tables, each side by side with its peer in one run (llama.cpp through
 * node-llama-cpp, ONNX Runtime, the bandwidth probe): inference, embeddings, cold start, storage, flat scans,
 * gateway overhead, segment opens; and {@code KQuantCheck}, our K-quant files and reader against llama.cpp's. Never
 * run by the tests.
 */
package dev.abi.benchmarks;
