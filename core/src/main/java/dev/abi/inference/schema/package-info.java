/**
 * Structured outputs: a subset of JSON Schema compiled ({@link dev.abi.inference.schema.SchemaCompiler}) into a
 * character-level recognizer of the prefixes of the JSON texts that match it ({@link
 * dev.abi.inference.schema.SchemaPrefix}), and the token constraint built on it ({@link
 * dev.abi.inference.schema.SchemaConstraint}) that keeps every generated token inside that language. May use
 * inference; never gateway.
 */
package dev.abi.inference.schema;
