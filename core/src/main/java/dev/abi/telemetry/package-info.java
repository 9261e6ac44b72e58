/**
 * What operators see of a running deployment, without a backend: the {@link dev.abi.telemetry.Metrics} interface
 * (counters and timers with a few low-cardinality tags; a no-op default and an in-memory implementation for tests;
 * the functions module binds it to Micrometer), and the request id of the request a thread is serving
 * ({@link dev.abi.telemetry.RequestContext}, {@link dev.abi.telemetry.RequestIds}). Depends on nothing else in core,
 * so that every layer may report into it.
 */
package dev.abi.telemetry;
