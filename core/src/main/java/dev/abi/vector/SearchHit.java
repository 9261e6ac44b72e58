package dev.abi.vector;

/** One search result: a vector id and its distance to the query (smaller is closer). */
public record SearchHit(String id, float distance) {}
