package dev.abi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDiskObjectStoreTest extends ObjectStoreContract {

    @TempDir
    Path dir;

    private ObjectStore store;

    @Override
    protected ObjectStore store() {
        if (store == null) {
            store = new LocalDiskObjectStore(dir);
        }
        return store;
    }

    /**
     * A positioned read: a range near the end of a sparse 3 GiB file (more than one Java array holds, so any whole-file
     * read fails) comes back without the file being read.
     */
    @Test
    void getRangeReadsOnlyTheRangeOfAnObjectLargerThanAnArray() throws Exception {
        Path file = dir.resolve("big/sparse.bin");
        Files.createDirectories(file.getParent());
        long offset = 3L * 1024 * 1024 * 1024 - 5;
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(offset + 5);
            raf.seek(offset);
            raf.write(new byte[] {1, 2, 3, 4, 5});
        }
        assertEquals(
                List.of((byte) 0, (byte) 1, (byte) 2, (byte) 3),
                toList(store().getRange("big/sparse.bin", offset - 1, 4)));
        assertEquals(List.of((byte) 4, (byte) 5), toList(store().getRange("big/sparse.bin", offset + 3, 100)));
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> out = new java.util.ArrayList<>();
        for (byte b : bytes) {
            out.add(b);
        }
        return out;
    }

    @Test
    void keysCannotEscapeTheRoot() {
        assertThrows(IllegalArgumentException.class, () -> store().putIfAbsent("../outside", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> store().get("/etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> store().get("a//b"));
    }

    @Test
    void noTemporaryFilesAreLeftOrListed() throws Exception {
        store().putIfAbsent("x/a.bin", new byte[] {1});
        String etag = store().get("x/a.bin").orElseThrow().etag();
        store().putIfMatch("x/a.bin", new byte[] {2}, etag);
        try (var files = Files.list(dir.resolve("x"))) {
            assertEquals(1, files.count());
        }
        assertEquals(1, store().list("x/").size());
    }

    @Test
    void aSourceBucketIsOneValidSegmentAndNothingOutsideItCanBeRead() throws Exception {
        Path buckets = dir.resolve("buckets");
        Path outside = Files.writeString(dir.resolve("creds.txt"), "secret");
        for (String bad : new String[] {"..", "../..", "../../../../../..", "a/b", "A", ".hidden", "a..b", "", "x_"}) {
            assertThrows(IllegalArgumentException.class, () -> LocalDiskObjectStore.sourceBucket(buckets, bad), bad);
        }
        LocalDiskObjectStore absent = LocalDiskObjectStore.sourceBucket(buckets, "never-made");
        assertTrue(absent.get("docs/a.md").isEmpty());
        assertTrue(absent.list("docs/").isEmpty());
        assertFalse(Files.exists(buckets), "reading a bucket creates no folder");

        Path docs = Files.createDirectories(buckets.resolve("handbook").resolve("docs"));
        Files.writeString(docs.resolve("inside.md"), "hello");
        Files.createSymbolicLink(docs.resolve("escape.txt"), outside);
        Files.createSymbolicLink(buckets.resolve("handbook").resolve("up"), dir);
        LocalDiskObjectStore bucket = LocalDiskObjectStore.sourceBucket(buckets, "handbook");
        assertEquals(
                "hello", new String(bucket.get("docs/inside.md").orElseThrow().bytes()));
        assertTrue(bucket.get("docs/escape.txt").isEmpty(), "a link out of the bucket reads as missing");
        assertTrue(bucket.get("up/creds.txt").isEmpty(), "a linked folder out of the bucket reads as missing");
        assertThrows(ObjectNotFoundException.class, () -> bucket.getRange("docs/escape.txt", 0, 3));
        assertEquals(
                List.of("docs/inside.md"),
                bucket.list("docs/").stream().map(ObjectInfo::key).toList());
    }

    @Test
    void orphanTemporaryFilesOfKilledWritersAreCollectedOnceOld() throws Exception {
        LocalDiskObjectStore s = (LocalDiskObjectStore) store();
        s.putIfAbsent("ns/a/log/1.json", new byte[] {1});
        Path old = Files.writeString(dir.resolve("ns/a/log/.tmp-dead-writer"), "torn");
        Path fresh = Files.writeString(dir.resolve("ns/a/log/.tmp-live-writer"), "in progress");
        MutableClock clock = new MutableClock(Files.getLastModifiedTime(fresh).toMillis());
        Files.setLastModifiedTime(old, FileTime.fromMillis(clock.millis() - 7_200_000));
        assertEquals(1, s.collectOrphanTemporaryFiles(Duration.ofHours(1), clock));
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(fresh), "a temporary file younger than the age may be a live write");
        assertTrue(s.get("ns/a/log/1.json").isPresent());
    }
}
