package dev.abi.cli.ingest;

import dev.abi.cli.CliException;

/** An input that cannot be read as vectors or documents; the message names the file and line. */
public final class InputFormatException extends CliException {

    public InputFormatException(String message) {
        super(message);
    }
}
