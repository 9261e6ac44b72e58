package dev.abi.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Objects as files under a root directory: the embedded default store.
 *
 * <p>Durability: each object is written to a temporary file, fsynced, then published with an atomic operation and
 * the directory fsynced, so a crash leaves either the old object or the new one, never a torn file.
 * Create-if-absent publishes with a hard link, which fails atomically when the name exists. Compare-and-swap holds
 * a file lock (so several processes sharing the directory stay correct) while it checks the etag and renames.
 */
public final class LocalDiskObjectStore implements ObjectStore {

    private static final String TMP_PREFIX = ".tmp-";
    private static final String LOCK_FILE = ".abi-store.lock";
    private static final long SMALL_OBJECT = 64 * 1024;

    private final Path root;
    /** Reads only what lies under the root once links are resolved (a source bucket of outside files). */
    private final boolean confined;
    /** FileLock is held per process; this lock keeps threads of one process from overlapping on it. */
    private final ReentrantLock jvmLock = new ReentrantLock();

    /** The store of a data directory, which is created if absent. */
    public LocalDiskObjectStore(Path root) {
        try {
            this.root = Files.createDirectories(root).toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new ObjectStoreException("cannot create data directory " + root, e);
        }
        this.confined = false;
    }

    private LocalDiskObjectStore(Path root, boolean confined) {
        this.root = root.toAbsolutePath().normalize();
        this.confined = confined;
    }

    /**
     * A source bucket: the folder {@code <bucketsDir>/<bucket>}. The name must be a bucket name ({@link
     * BucketNames}), so it stays one segment under {@code bucketsDir}; nothing is created to read it (a missing folder
     * reads as an empty bucket), and a key whose file, once links are resolved, lies outside the folder reads as
     * missing, exactly like an absent one.
     *
     * @throws IllegalArgumentException when {@code bucket} is not a bucket name
     */
    public static LocalDiskObjectStore sourceBucket(Path bucketsDir, String bucket) {
        return new LocalDiskObjectStore(bucketsDir.resolve(BucketNames.requireValid(bucket)), true);
    }

    /**
     * Deletes the temporary files that writers killed mid-write left behind, when older than {@code olderThan} by
     * {@code clock} (a live writer's temporary file exists for milliseconds, so another process sharing the folder
     * never loses one in progress); answers how many it deleted.
     */
    public int collectOrphanTemporaryFiles(Duration olderThan, Clock clock) {
        long cutoff = clock.millis() - olderThan.toMillis();
        int[] deleted = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()
                            && p.getFileName().toString().startsWith(TMP_PREFIX)
                            && attrs.lastModifiedTime().toMillis() < cutoff) {
                        deleteQuietly(p);
                        deleted[0]++;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path p, IOException e) {
                    return FileVisitResult.CONTINUE; // vanished meanwhile, or unreadable: not ours to clean
                }
            });
        } catch (IOException e) {
            throw new ObjectStoreException("cannot scan " + root + " for temporary files", e);
        }
        return deleted[0];
    }

    @Override
    public Optional<StoredObject> get(String key) {
        try {
            byte[] bytes = Files.readAllBytes(readablePath(key));
            return Optional.of(new StoredObject(bytes, ObjectKeys.etagOf(bytes)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ObjectStoreException("cannot read " + key, e);
        }
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        try (FileChannel ch = FileChannel.open(readablePath(key), StandardOpenOption.READ)) {
            long available = Math.max(0, ch.size() - offset);
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(length, available));
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                // keep reading until the range is filled
            }
            return buf.array();
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot read " + key, e);
        }
    }

    @Override
    public String putIfAbsent(String key, byte[] bytes) {
        Path target = pathOf(key);
        Path tmp = writeTemp(target, bytes);
        try {
            Files.createLink(target, tmp);
            fsyncDirectory(target.getParent());
            return ObjectKeys.etagOf(bytes);
        } catch (FileAlreadyExistsException e) {
            throw new PreconditionFailedException(key, "object already exists");
        } catch (IOException | UnsupportedOperationException e) {
            throw new ObjectStoreException("cannot create " + key + " (the file system must support hard links)", e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public String putIfMatch(String key, byte[] bytes, String expectedEtag) {
        Path target = pathOf(key);
        Path tmp = writeTemp(target, bytes);
        try {
            jvmLock.lock();
            try (FileChannel lockChannel = FileChannel.open(
                            root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = lockChannel.lock()) {
                String current;
                try {
                    current = ObjectKeys.etagOf(Files.readAllBytes(target));
                } catch (NoSuchFileException e) {
                    throw new PreconditionFailedException(key, "object does not exist");
                }
                if (!current.equals(expectedEtag)) {
                    throw new PreconditionFailedException(key, "etag does not match");
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                fsyncDirectory(target.getParent());
                return ObjectKeys.etagOf(bytes);
            } finally {
                jvmLock.unlock();
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new ObjectStoreException("the file system cannot rename atomically: " + key, e);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot replace " + key, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        int slash = prefix.lastIndexOf('/');
        Path dir = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!dir.normalize().startsWith(root) || !Files.isDirectory(dir)) {
            return List.of();
        }
        List<ObjectInfo> out = new ArrayList<>();
        try {
            // A visitor rather than Files.walk: files that vanish mid-walk (temp files of concurrent writers,
            // concurrent deletes) are skipped instead of failing the whole listing.
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) throws IOException {
                    String key = root.relativize(p).toString().replace('\\', '/');
                    String name = p.getFileName().toString();
                    if (attrs.isRegularFile()
                            && key.startsWith(prefix)
                            && !name.startsWith(TMP_PREFIX)
                            && !name.equals(LOCK_FILE)) {
                        try {
                            // Hashing every listed file would read whole segments; list etags are only a hint.
                            String etag =
                                    attrs.size() <= SMALL_OBJECT ? ObjectKeys.etagOf(Files.readAllBytes(p)) : null;
                            out.add(new ObjectInfo(
                                    key,
                                    attrs.size(),
                                    etag,
                                    attrs.lastModifiedTime().toMillis()));
                        } catch (NoSuchFileException deletedMeanwhile) {
                            // listed and deleted concurrently: it is simply not there any more
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (NoSuchFileException dirDeletedMeanwhile) {
            return List.of();
        } catch (IOException e) {
            throw new ObjectStoreException("cannot list " + prefix, e);
        }
        out.sort((a, b) -> a.key().compareTo(b.key()));
        return out;
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(pathOf(key));
        } catch (IOException e) {
            throw new ObjectStoreException("cannot delete " + key, e);
        }
    }

    @Override
    public String describe() {
        return "local-disk:" + root;
    }

    private Path pathOf(String key) {
        return root.resolve(ObjectKeys.requireValid(key));
    }

    /** The file to read for {@code key}; in a confined store, one that lies under the root once links resolve. */
    private Path readablePath(String key) throws IOException {
        Path p = pathOf(key);
        if (confined && !p.toRealPath().startsWith(root.toRealPath())) {
            throw new NoSuchFileException(key); // read as missing: a refused key and an absent one look the same
        }
        return p;
    }

    private Path writeTemp(Path target, byte[] bytes) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(TMP_PREFIX + UUID.randomUUID());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            return tmp;
        } catch (IOException e) {
            throw new ObjectStoreException("cannot write " + target, e);
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for fsync; the file itself was already forced.
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temp file is skipped by list() and harmless
        }
    }
}
