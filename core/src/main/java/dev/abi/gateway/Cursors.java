package dev.abi.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code cursor} / {@code nextCursor} tokens of the paged listings: base64url of a kind, and for a scan the
 * version its first page read, and the last name or id of the page. A token that does not decode is a 400 naming
 * {@code cursor}.
 */
final class Cursors {

    /** Where a vector scan resumes: the version all its pages read, and the last id returned. */
    record ScanCursor(long version, String after) {}

    private static final String NAMES = "n:";
    private static final String SCAN = "s:";

    private Cursors() {}

    static String names(String lastName) {
        return encode(NAMES + lastName);
    }

    /** The last name of the previous page, or null when {@code cursor} is null. */
    static String afterName(String cursor) {
        if (cursor == null) {
            return null;
        }
        String raw = decode(cursor);
        if (!raw.startsWith(NAMES) || raw.length() == NAMES.length()) {
            throw invalid();
        }
        return raw.substring(NAMES.length());
    }

    static String scan(long version, String lastId) {
        return encode(SCAN + version + ":" + lastId);
    }

    /** The scan to resume, or null when {@code cursor} is null. */
    static ScanCursor scan(String cursor) {
        if (cursor == null) {
            return null;
        }
        String raw = decode(cursor);
        int colon = raw.indexOf(':', SCAN.length());
        if (!raw.startsWith(SCAN) || colon < 0 || colon == raw.length() - 1) {
            throw invalid();
        }
        try {
            long version = Long.parseLong(raw.substring(SCAN.length(), colon));
            if (version < 0) {
                throw invalid();
            }
            return new ScanCursor(version, raw.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    private static String encode(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static ValidationException invalid() {
        return new ValidationException(
                "cursor", "is not a cursor this API gave out; pass nextCursor as it was" + " returned");
    }
}
