/** Tests of {@code dev.abi.cli.admin}. */
package dev.abi.cli.admin;
