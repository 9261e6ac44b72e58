package dev.abi.cli;

/** A bad combination of options found after parsing: printed like a parse error, exit status 2. */
public final class UsageException extends CliException {

    public UsageException(String message) {
        super(message);
    }
}
