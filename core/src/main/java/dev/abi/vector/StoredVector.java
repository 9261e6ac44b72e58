package dev.abi.vector;

import java.util.Map;

/** A vector as stored: its id, values and attributes (strings, numbers, booleans, or lists of those). */
public record StoredVector(String id, float[] values, Map<String, Object> attributes) {}
