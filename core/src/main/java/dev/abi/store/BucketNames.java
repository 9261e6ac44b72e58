package dev.abi.store;

import java.util.regex.Pattern;

/**
 * Bucket (container) names as the clouds accept them: lowercase letters, digits, dots, hyphens and underscores, at
 * most 63 characters, starting and ending with a letter or digit, no {@code ..}. A name that passes is a single safe
 * path segment, so the local store can map it to a folder without leaving its buckets folder.
 */
public final class BucketNames {

    private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?");

    private BucketNames() {}

    /** @throws IllegalArgumentException saying what a bucket name must be */
    public static String requireValid(String bucket) {
        if (bucket == null || !NAME.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("must be a bucket name: 1 to 63 lowercase letters, digits, '.', '-' or"
                    + " '_', starting and ending with a letter or digit");
        }
        return bucket;
    }
}
