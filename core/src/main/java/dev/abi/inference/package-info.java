/**
 * Quantized CPU inference: the GGUF reader and writer, weight matrices and the quantized-inference kernels behind
 * InferenceKernelsProvider (Panama or scalar), Llama and Qwen2 generation, BERT embeddings, the SentencePiece, BPE
 * and WordPiece tokenizers, sampling, and the model registry. May use simd and budget; never vector.
 */
package dev.abi.inference;
