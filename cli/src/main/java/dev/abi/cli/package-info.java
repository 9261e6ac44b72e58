/**
 * The {@code abi} command-line tool: the top command, the HTTP client of the public API it speaks (retries of 429 and
 * 503 honouring {@code Retry-After}), and the error and exit-code conventions every subcommand shares.
 */
package dev.abi.cli;
