/** Tests of {@code dev.abi.cli.model}. */
package dev.abi.cli.model;
