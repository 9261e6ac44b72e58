/**
 * Decoding of Cloud Storage events (Eventarc CloudEvents and Pub/Sub notifications) into core's canonical object
 * events.
 */
package dev.abi.gcp.triggers;
