package dev.abi.vector;

/** An index segment failed its checksum or its structure checks; the message names the segment. */
public final class CorruptSegmentException extends RuntimeException {

    private final String segment;

    public CorruptSegmentException(String segment, String message) {
        super("segment " + segment + ": " + message);
        this.segment = segment;
    }

    /** The name of the segment that is corrupt. */
    public String segment() {
        return segment;
    }
}
