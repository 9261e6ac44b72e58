package dev.abi.namespace;

import java.util.Map;

/**
 * A change to one vector's attributes: each entry is set, and an entry whose value is null removes that attribute.
 * The values stay as stored.
 */
public record AttributePatch(String id, Map<String, Object> changes) {}
