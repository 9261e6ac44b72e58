/**
 * The commands that read and manage a deployment over the HTTP API: {@code query}, {@code ns}, {@code versions},
 * {@code snapshot}, {@code restore}, {@code keys} and {@code export}. Each prints the server's JSON reply (export:
 * JSONL) on standard output.
 */
package dev.abi.cli.admin;
