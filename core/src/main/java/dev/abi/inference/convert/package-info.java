/**
 * Converters into GGUF: the ONNX reader (protobuf by hand) and the BERT ONNX-to-GGUF converter with its command
 * line.
 */
package dev.abi.inference.convert;
