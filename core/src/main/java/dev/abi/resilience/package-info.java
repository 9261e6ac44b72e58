/**
 * The circuit breaker in front of an upstream (the object store, the GPU service), its listener and its typed
 * failure. Depends on nothing else in core.
 */
package dev.abi.resilience;
