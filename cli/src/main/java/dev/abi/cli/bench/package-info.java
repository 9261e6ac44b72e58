/**
 * {@code abi bench}: inference in the shape of llama-bench (prompt and generation tokens/s over repetitions, mean and
 * standard deviation) and queries against a server (QPS and latency percentiles), printed as markdown, CSV or JSON.
 */
package dev.abi.cli.bench;
