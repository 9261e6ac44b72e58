/**
 * Decoding of Azure storage events (Event Grid, CloudEvents schema, and blob-trigger metadata) into core's
 * canonical object events.
 */
package dev.abi.azure.triggers;
