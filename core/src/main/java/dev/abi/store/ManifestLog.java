package dev.abi.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The manifests of one namespace. Named by inverted version, so the first key a LIST returns is the newest. A
 * manifest that fails its checksum is skipped in favour of the one before it (the namespace stays readable), and
 * reported through {@link #lastCorruption()}.
 */
public final class ManifestLog {

    private final ObjectStore objects;
    private final String prefix;
    private volatile CorruptObjectException lastCorruption;

    private static final Pattern NAME = Pattern.compile(".*/\\d{20}\\.json");

    public ManifestLog(ObjectStore objects, String root) {
        this.objects = objects;
        this.prefix = root + "manifest/";
    }

    public String key(long version) {
        return prefix + String.format("%020d", Long.MAX_VALUE - version) + ".json";
    }

    /** The newest readable manifest, if any. One LIST of one key, then one GET. */
    public Optional<Manifest> newest() {
        String after = null;
        while (true) {
            List<ObjectInfo> first = objects.list(prefix, after, 1);
            if (first.isEmpty()) {
                return Optional.empty();
            }
            String key = first.get(0).key();
            if (!NAME.matcher(key).matches()) {
                after = key; // an emulator's temporary object: not a manifest
                continue;
            }
            Optional<Manifest> m = read(key);
            if (m.isPresent()) {
                return m;
            }
            after = key; // corrupt or collected meanwhile: fall back to the previous one
        }
    }

    /** The newest readable manifest whose {@code appliedThroughSeq <= seq}. */
    public Optional<Manifest> atOrBefore(long seq) {
        List<Manifest> c = candidates(seq, 1);
        return c.isEmpty() ? Optional.empty() : Optional.of(c.get(0));
    }

    /**
     * Up to {@code max} readable manifests with {@code appliedThroughSeq <= seq}, newest first. Applied seqs do not
     * decrease with the version, so the first is found by binary search over the listing: O(log n) reads.
     */
    public List<Manifest> candidates(long seq, int max) {
        List<ObjectInfo> keys = listObjects(); // newest first
        int lo = 0;
        int hi = keys.size();
        while (lo < hi) { // first index whose manifest has applied <= seq; corrupt ones count as "newer"
            int mid = (lo + hi) >>> 1;
            Optional<Manifest> m = read(keys.get(mid).key());
            if (m.isPresent() && m.get().appliedThroughSeq() <= seq) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        List<Manifest> out = new ArrayList<>();
        for (int i = lo; i < keys.size() && out.size() < max; i++) {
            read(keys.get(i).key()).filter(m -> m.appliedThroughSeq() <= seq).ifPresent(out::add);
        }
        return out;
    }

    /** Every readable manifest, newest first. */
    public List<Manifest> all() {
        List<Manifest> out = new ArrayList<>();
        for (ObjectInfo info : listObjects()) {
            read(info.key()).ifPresent(out::add);
        }
        return out;
    }

    /** Keys of every manifest object, newest first (metadata only). */
    public List<ObjectInfo> listObjects() {
        return objects.list(prefix).stream()
                .filter(o -> NAME.matcher(o.key()).matches())
                .toList();
    }

    /**
     * Commits {@code m} if its version is free.
     *
     * @return false when another indexer committed this version first
     */
    public boolean commit(Manifest m) {
        try {
            objects.putIfAbsent(key(m.version()), m.toJson());
            return true;
        } catch (PreconditionFailedException taken) {
            return false;
        }
    }

    public CorruptObjectException lastCorruption() {
        return lastCorruption;
    }

    private Optional<Manifest> read(String key) {
        try {
            return objects.get(key).map(o -> Manifest.fromJson(key, o.bytes()));
        } catch (CorruptObjectException e) {
            lastCorruption = e;
            System.getLogger(ManifestLog.class.getName())
                    .log(System.Logger.Level.ERROR, "skipping corrupt manifest " + key + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}
