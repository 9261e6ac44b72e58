package dev.abi.cli;

/** A reply the command did not expect: its status and the server's own explanation (problem detail, request id). */
public final class ApiException extends CliException {

    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status of the reply. */
    public int status() {
        return status;
    }
}
