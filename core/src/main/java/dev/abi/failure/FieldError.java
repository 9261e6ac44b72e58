package dev.abi.failure;

/** One invalid field of a request: its JSON path (e.g. {@code vectors[3].values}) and what is wrong with it. */
public record FieldError(String field, String message) {}
