/** Tests of {@code dev.abi.cli}. */
package dev.abi.cli;
