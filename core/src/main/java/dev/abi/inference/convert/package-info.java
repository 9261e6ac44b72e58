/**
 * Converters into GGUF: the ONNX reader (protobuf by hand) and the BERT ONNX-to-GGUF converter with its command
 * line, and the quantizers that write tensor rows ({@link dev.abi.inference.convert.RowEncoder}: F16, Q8_0, Q5_0
 * and the K-quants Q4_K and Q6_K of {@link dev.abi.inference.convert.KQuantizer}) with llama.cpp's Q4_K_M choice of
 * type per tensor ({@link dev.abi.inference.convert.QuantRecipe}).
 */
package dev.abi.inference.convert;
