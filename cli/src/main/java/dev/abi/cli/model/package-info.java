/**
 * The local model commands: {@code abi convert} (ONNX BERT and llama2.c checkpoints to GGUF, through core's
 * converters) and {@code abi gguf inspect} (a GGUF file's metadata, tensors and chat template).
 */
package dev.abi.cli.model;
