/**
 * Harnesses that print markdown tables, each side by side with its peer in one run (llama.cpp through
 * node-llama-cpp, ONNX Runtime, the bandwidth probe): inference, embeddings, cold start, storage, flat scans,
 * gateway overhead, segment opens. Never run by the tests.
 */
package dev.abi.benchmarks;
