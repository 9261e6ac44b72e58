/** Tests of {@code dev.abi.cli.ingest}. */
package dev.abi.cli.ingest;
