package dev.abi.cli;

/**
 * A failure the user can act on: its message names the problem and is printed as {@code abi: message}, without a
 * stack trace; the command exits with status 1.
 */
public class CliException extends RuntimeException {

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
