package dev.abi.store;

/** A commit kept losing its log slot to other writers and gave up; nothing was acknowledged, retry later. */
public final class CommitContentionException extends RuntimeException {

    public CommitContentionException(String root, int attempts) {
        super("the commit log under " + root + " is contended; gave up after " + attempts + " lost slots");
    }
}
