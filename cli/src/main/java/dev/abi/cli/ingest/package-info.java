/**
 * {@code abi ingest}: reads vectors ({@code .jsonl}, {@code .json}, {@code .csv}) and text documents ({@code .txt},
 * {@code .md}), sends them in batches within the API's limits with a deterministic {@code Idempotency-Key} each, and
 * records acknowledged batches in a state file so that a run stopped by Ctrl-C resumes where it stopped.
 */
package dev.abi.cli.ingest;
