package dev.abi.vector.ivf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The two cache tiers of segment ranges: recently read ranges in memory, least recently used out first past a byte
 * budget, and on local disk (a function's {@code /tmp}) past a size, across the requests of a warm instance. Only
 * immutable objects go through it (segment keys are never rewritten), so an entry never goes stale; a range that
 * fails its checksum is {@link #evict evicted} by its reader. A disk entry that cannot be written is skipped (logged
 * once): the cache is an optimisation, never the truth. Thread-safe.
 */
public final class RangeCache {

    private static final Logger LOG = Logger.getLogger(RangeCache.class.getName());

    private final long memoryBudget;
    private final Path dir;
    private final long diskBudget;
    private final LinkedHashMap<String, byte[]> memory = new LinkedHashMap<>(64, 0.75f, true);
    private final LinkedHashMap<String, Long> disk = new LinkedHashMap<>(64, 0.75f, true);
    private long memoryBytes;
    private long diskBytes;
    private final AtomicLong memoryHits = new AtomicLong();
    private final AtomicLong diskHits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private volatile boolean diskFailed;

    private RangeCache(long memoryBudget, Path dir, long diskBudget) {
        this.memoryBudget = memoryBudget;
        this.dir = diskBudget > 0 ? dir : null;
        this.diskBudget = diskBudget;
        if (this.dir != null) {
            indexDisk();
        }
    }

    /**
     * A cache of {@code memoryBytes} in memory and {@code diskBytes} under {@code dir} (0 turns a tier off).
     *
     * @throws IllegalArgumentException when a budget is negative or a disk tier has no directory
     */
    public static RangeCache of(long memoryBytes, Path dir, long diskBytes) {
        if (memoryBytes < 0 || diskBytes < 0) {
            throw new IllegalArgumentException(
                    "cache budgets must be 0 or more; got memory " + memoryBytes + ", disk " + diskBytes);
        }
        if (diskBytes > 0 && dir == null) {
            throw new IllegalArgumentException("a disk cache of " + diskBytes + " bytes needs a directory");
        }
        return new RangeCache(memoryBytes, dir, diskBytes);
    }

    /**
     * The process's cache: {@code abi.cache.memory-bytes} (default 256 MiB), {@code abi.cache.dir} (default
     * {@code <java.io.tmpdir>/abi-cache}) and {@code abi.cache.disk-bytes} (default 2 GiB).
     */
    public static RangeCache shared() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final RangeCache INSTANCE = of(
                Long.getLong("abi.cache.memory-bytes", 256L << 20),
                Path.of(System.getProperty(
                        "abi.cache.dir",
                        Path.of(System.getProperty("java.io.tmpdir"), "abi-cache")
                                .toString())),
                Long.getLong("abi.cache.disk-bytes", 2L << 30));
    }

    /** A reader that answers from this cache and reads {@code source} on a miss. */
    public RangeReader over(RangeReader source) {
        return new RangeReader() {
            @Override
            public byte[] read(String key, long offset, int length) {
                return RangeCache.this.read(key, offset, length, source);
            }

            @Override
            public void evict(String key, long offset, int length) {
                RangeCache.this.evict(key, offset, length);
            }
        };
    }

    /** The range from memory, else disk, else {@code source} (then kept in both tiers). */
    public byte[] read(String key, long offset, int length, RangeReader source) {
        String entry = key + "@" + offset + "+" + length;
        byte[] bytes;
        synchronized (memory) {
            bytes = memory.get(entry);
        }
        if (bytes != null) {
            memoryHits.incrementAndGet();
            return bytes;
        }
        bytes = readDisk(entry);
        if (bytes != null) {
            diskHits.incrementAndGet();
        } else {
            misses.incrementAndGet();
            bytes = source.read(key, offset, length);
            writeDisk(entry, bytes);
        }
        remember(entry, bytes);
        return bytes;
    }

    /** Forgets the range in both tiers. */
    public void evict(String key, long offset, int length) {
        String entry = key + "@" + offset + "+" + length;
        synchronized (memory) {
            byte[] gone = memory.remove(entry);
            if (gone != null) {
                memoryBytes -= gone.length;
            }
        }
        if (dir != null) {
            synchronized (disk) {
                Long size = disk.remove(entry);
                if (size != null) {
                    diskBytes -= size;
                }
            }
            deleteQuietly(fileOf(entry));
        }
    }

    /** Reads answered from memory, from disk, and by the source, since this cache was made. */
    public Stats stats() {
        return new Stats(memoryHits.get(), diskHits.get(), misses.get());
    }

    /** Bytes held in memory now. */
    public long memoryBytes() {
        synchronized (memory) {
            return memoryBytes;
        }
    }

    /** Forgets every range held in memory (what a cold instance starts with; the disk tier stays). */
    public void clearMemory() {
        synchronized (memory) {
            memory.clear();
            memoryBytes = 0;
        }
    }

    /** Counts of reads by the tier that answered them. */
    public record Stats(long memoryHits, long diskHits, long misses) {}

    private void remember(String entry, byte[] bytes) {
        if (bytes.length > memoryBudget) {
            return;
        }
        synchronized (memory) {
            byte[] old = memory.put(entry, bytes);
            memoryBytes += bytes.length - (old == null ? 0 : old.length);
            Iterator<Map.Entry<String, byte[]>> eldest = memory.entrySet().iterator();
            while (memoryBytes > memoryBudget && eldest.hasNext()) {
                memoryBytes -= eldest.next().getValue().length;
                eldest.remove();
            }
        }
    }

    private byte[] readDisk(String entry) {
        if (dir == null) {
            return null;
        }
        synchronized (disk) {
            if (disk.get(entry) == null) {
                return null;
            }
        }
        try {
            return Files.readAllBytes(fileOf(entry));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null; // unreadable: read the source instead
        }
    }

    private void writeDisk(String entry, byte[] bytes) {
        if (dir == null || diskFailed || bytes.length > diskBudget) {
            return;
        }
        Path file = fileOf(entry);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".tmp-", ".part");
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UncheckedIOException e) {
            diskFailed = true;
            LOG.warning("disk cache under " + dir + " is off for this instance: " + e);
            return;
        }
        synchronized (disk) {
            Long old = disk.put(entry, (long) bytes.length);
            diskBytes += bytes.length - (old == null ? 0 : old);
            Iterator<Map.Entry<String, Long>> eldest = disk.entrySet().iterator();
            while (diskBytes > diskBudget && eldest.hasNext()) {
                Map.Entry<String, Long> e = eldest.next();
                diskBytes -= e.getValue();
                eldest.remove();
                deleteQuietly(fileOf(e.getKey()));
            }
        }
    }

    /** Indexes what an earlier cache of this process left (entries are named by a hash: kept, oldest first). */
    private void indexDisk() {
        // Names are hashes of entries, so entries from before cannot be matched to keys again; they are removed
        // rather than counted, which keeps the budget honest.
        try (var files = Files.list(dir)) {
            files.forEach(RangeCache::deleteQuietly);
        } catch (NoSuchFileException e) {
            // nothing cached yet
        } catch (IOException e) {
            LOG.warning("cannot list disk cache " + dir + ": " + e);
        }
    }

    private Path fileOf(String entry) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(entry.getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover cache file is only space
        }
    }
}
