/**
 * Namespaces over the commit log: NamespaceService (writes, reads, history, maintenance), the durable namespace
 * state, folds and compaction by the indexer under its lease, garbage collection, repair, and the domain limits
 * and typed failures. May use store and vector.
 */
package dev.abi.namespace;
