/**
 * Durable state on object storage: the ObjectStore SPI with local-disk and in-memory backends, the commit log with
 * conditional puts, manifests, checksums, WAL encoding, the metadata store SPI (leases, head hints, idempotency
 * claims) and the breaker around a store. May use resilience only.
 */
package dev.abi.store;
