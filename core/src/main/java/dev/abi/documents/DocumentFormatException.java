package dev.abi.documents;

/**
 * A file or document that cannot be ingested: an unknown format, bytes that are not UTF-8, a malformed line or
 * record, or a size over the limit. The message names the file (and line or record) and what is wrong.
 */
public final class DocumentFormatException extends RuntimeException {

    private final String source;

    public DocumentFormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    /** The file or field the problem is in. */
    public String source() {
        return source;
    }
}
