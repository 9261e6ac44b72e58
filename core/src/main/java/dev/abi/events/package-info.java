/**
 * Event-triggered indexing: the canonical object events every storage trigger becomes, the namespace mapping of
 * keys, ObjectIndexer and the event processor that dead-letters poison objects and rethrows what a redelivery can
 * fix. May use documents, namespace, store and failure; never gateway.
 */
package dev.abi.events;
