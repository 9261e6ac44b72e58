package dev.abi.namespace;

import java.util.Map;

/** One vector of an upsert batch, already validated by the gateway. */
public record VectorRecord(String id, float[] values, Map<String, Object> attributes) {}
