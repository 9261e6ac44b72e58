package dev.abi.vector.ivf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RangeCacheTest {

    @TempDir
    Path dir;

    private final AtomicInteger reads = new AtomicInteger();
    /** 100 bytes per range, each byte the offset's low bits, counted. */
    private final RangeReader source = (key, offset, length) -> {
        reads.incrementAndGet();
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) offset);
        return b;
    };

    @Test
    void memoryKeepsTheMostRecentRangesWithinItsBudget() {
        RangeReader cached = RangeCache.of(250, null, 0).over(source);
        cached.read("a", 1, 100);
        cached.read("a", 2, 100);
        cached.read("a", 1, 100); // 1 is now the most recent
        assertEquals(2, reads.get());
        cached.read("a", 3, 100); // over budget: 2, the least recently used, goes
        cached.read("a", 1, 100);
        assertEquals(3, reads.get(), "1 was kept");
        cached.read("a", 2, 100);
        assertEquals(4, reads.get(), "2 was evicted");
        assertArrayEquals(new byte[] {2, 2}, java.util.Arrays.copyOf(cached.read("a", 2, 100), 2));
    }

    @Test
    void diskAnswersWhatMemoryForgotAndStaysWithinItsSize() throws Exception {
        RangeCache cache = RangeCache.of(1 << 20, dir, 350);
        RangeReader cached = cache.over(source);
        for (int i = 0; i < 5; i++) {
            cached.read("seg/x.bin.c0", i, 100);
        }
        assertEquals(5, reads.get());
        cache.clearMemory();
        assertArrayEquals(source.read("x", 4, 100), cached.read("seg/x.bin.c0", 4, 100));
        assertEquals(6, reads.get(), "the source was read only by this test's comparison");
        assertEquals(1, cache.stats().diskHits());
        try (var files = Files.list(dir)) {
            assertTrue(files.count() <= 3, "at most 350 bytes of 100-byte ranges on disk");
        }
        cached.read("seg/x.bin.c0", 0, 100); // the oldest was evicted from disk
        assertEquals(7, reads.get());
    }

    @Test
    void evictForgetsBothTiers() {
        RangeCache cache = RangeCache.of(1 << 20, dir, 1 << 20);
        RangeReader cached = cache.over(source);
        cached.read("k", 0, 10);
        cached.evict("k", 0, 10);
        cached.read("k", 0, 10);
        assertEquals(2, reads.get());
    }

    @Test
    void badBudgetsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RangeCache.of(-1, null, 0));
        assertThrows(IllegalArgumentException.class, () -> RangeCache.of(0, null, 10));
    }
}
