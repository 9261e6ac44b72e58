package dev.abi.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/** Key validation and content etags shared by the stores in core. */
public final class ObjectKeys {

    /** Any character but controls and the backslash: source buckets hold keys like {@code docs/C++ notes é.md}. */
    private static final Pattern SEGMENT = Pattern.compile("[^\\p{Cntrl}\\\\]+");

    private ObjectKeys() {}

    /**
     * Checks that a key is a relative path of safe segments: no empty, {@code .} or {@code ..} segment, no control
     * character or backslash, at most 1024 bytes of UTF-8 (S3's limit).
     *
     * @throws IllegalArgumentException naming the key
     */
    public static String requireValid(String key) {
        if (key == null || key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw new IllegalArgumentException("object key must be 1 to 1024 bytes");
        }
        for (String segment : key.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("invalid object key '" + key + "'");
            }
        }
        return key;
    }

    /** A content etag: the first 128 bits of SHA-256, in hex. */
    public static String etagOf(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /**
     * Settles a create that a cloud store answered with a conflict. A retried create whose first attempt applied
     * also conflicts (the ambiguous outcome of DESIGN-STORAGE.md): when the object holds exactly {@code bytes}, the
     * create was ours and its etag is returned.
     *
     * @throws PreconditionFailedException when another writer's object is there
     */
    public static String ownCreateOrConflict(ObjectStore store, String key, byte[] bytes) {
        Optional<StoredObject> existing = store.get(key);
        if (existing.isPresent() && Arrays.equals(existing.get().bytes(), bytes)) {
            return existing.get().etag();
        }
        throw new PreconditionFailedException(key, "object already exists");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
