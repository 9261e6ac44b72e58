/** Tests of {@code dev.abi.cli.bench}. */
package dev.abi.cli.bench;
