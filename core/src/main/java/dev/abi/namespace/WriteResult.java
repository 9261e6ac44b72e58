package dev.abi.namespace;

/** Outcome of an acknowledged write: how many vectors it touched and the version it committed. */
public record WriteResult(int count, long version) {}
