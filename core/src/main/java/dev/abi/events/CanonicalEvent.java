package dev.abi.events;

/** What every provider trigger becomes before core handles it. */
public sealed interface CanonicalEvent permits ObjectCreated, ObjectRemoved {}
