/**
 * What operators see of a running deployment, without a backend: the {@link dev.abi.telemetry.Metrics} interface
 * (counters and timers with a few low-cardinality tags; a no-op default and an in-memory implementation for tests;
 * the functions module binds it to Micrometer, the Lambda package to EMF) and its names ({@link
 * dev.abi.telemetry.MetricNames}); the {@link dev.abi.telemetry.Tracing} SPI (spans for requests, queries, commits and
 * store calls; no-op by default, OpenTelemetry in the functions module); the process-wide pair of both for code far
 * from the wiring ({@link dev.abi.telemetry.Telemetry}); the path a query took ({@link dev.abi.telemetry.QueryPath});
 * and the request id of the request a thread is serving ({@link dev.abi.telemetry.RequestContext},
 * {@link dev.abi.telemetry.RequestIds}). Depends on nothing else in core, so that every layer may report into it.
 */
package dev.abi.telemetry;
