package dev.abi.namespace;

import java.util.List;

/** What a patch did: how many vectors it changed, the ids it did not find, and the version (the head's if none). */
public record PatchResult(int patched, List<String> missing, long version) {}
