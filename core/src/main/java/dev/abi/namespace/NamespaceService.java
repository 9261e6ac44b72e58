package dev.abi.namespace;

import dev.abi.store.ObjectNotFoundException;
import dev.abi.store.PreconditionFailedException;
import dev.abi.vector.Filter;
import dev.abi.vector.Metric;
import dev.abi.vector.SearchHit;
import dev.abi.vector.StoredVector;
import dev.abi.vector.VectorIndex;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The vector operations of the API over a {@link NamespaceStore}. Every call first reads the namespace's pointer, so
 * an instance always answers from the newest committed state even when other instances write; the loaded index is
 * cached and reloaded only when the pointer moved. Writes are optimistic: build the next state, move the pointer with
 * compare-and-swap, and on a lost race reload and retry.
 */
public final class NamespaceService {

    private static final int MAX_COMMIT_ATTEMPTS = 8;

    private final NamespaceStore store;
    private final Map<String, Loaded> cache = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> writeLocks = new ConcurrentHashMap<>();

    private record Loaded(NamespaceHead head, VectorIndex index) {
    }

    /** Query parameters, already validated by the gateway. A null filter matches everything; a null version is now. */
    public record Query(float[] vector, int topK, Filter filter, Long asOfVersion) {
        public Query {
            filter = filter == null ? Filter.ALL : filter;
        }
    }

    /** The result of a namespace creation: its info, and whether this call created it. */
    public record Created(NamespaceInfo info, boolean created) {
    }

    public NamespaceService(NamespaceStore store) {
        this.store = store;
    }

    public Created create(String name, int dimension, Metric metric) {
        for (int attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
            Optional<NamespaceHead> existing = store.head(name);
            if (existing.isPresent()) {
                NamespaceHead h = existing.get();
                if (h.dimension() != dimension || h.metric() != metric) {
                    throw new NamespaceConflictException("namespace '" + name + "' exists with dimension "
                            + h.dimension() + " and metric " + h.metric().wireName() + "; asked for dimension "
                            + dimension + " and metric " + metric.wireName());
                }
                return new Created(h.info(), false);
            }
            try {
                return new Created(store.create(name, dimension, metric).info(), true);
            } catch (PreconditionFailedException raced) {
                // created concurrently: compare with what won
            }
        }
        throw new ConcurrentWriteException(name, MAX_COMMIT_ATTEMPTS);
    }

    public List<NamespaceInfo> list() {
        List<NamespaceInfo> out = new ArrayList<>();
        for (String name : store.list()) {
            store.head(name).ifPresent(h -> out.add(h.info()));
        }
        return out;
    }

    public NamespaceInfo describe(String name) {
        return store.head(name).orElseThrow(() -> new NamespaceNotFoundException(name)).info();
    }

    public void delete(String name) {
        if (store.head(name).isEmpty()) {
            throw new NamespaceNotFoundException(name);
        }
        lockFor(name).lock();
        try {
            store.delete(name);
            cache.remove(name);
        } finally {
            lockFor(name).unlock();
        }
    }

    /**
     * Upserts a batch, creating the namespace (dimension of the first vector, cosine) when it does not exist.
     *
     * @throws DimensionMismatchException naming {@code vectors[i].values}
     */
    public WriteResult upsert(String name, List<VectorRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("an upsert needs at least one vector");
        }
        UpsertBatch batch = new UpsertBatch(records);
        ReentrantLock lock = lockFor(name);
        lock.lock();
        try {
            for (int attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
                Loaded loaded = loadOrCreate(name, records.get(0).values().length);
                checkDimensions(name, loaded.head().dimension(), records);
                try {
                    NamespaceHead next = store.commit(loaded.head(), loaded.index(), batch, Set.of());
                    for (VectorRecord r : batch) {
                        loaded.index().upsert(r.id(), r.values(), r.attributes());
                    }
                    cache.put(name, new Loaded(next, loaded.index()));
                    return new WriteResult(records.size(), next.version());
                } catch (CommitConflictException lost) {
                    cache.remove(name);
                }
            }
            throw new ConcurrentWriteException(name, MAX_COMMIT_ATTEMPTS);
        } finally {
            lock.unlock();
        }
    }

    /** Deletes vectors by id; ids that do not exist are ignored and not counted. */
    public WriteResult deleteVectors(String name, List<String> ids) {
        ReentrantLock lock = lockFor(name);
        lock.lock();
        try {
            for (int attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
                Loaded loaded = current(name);
                Set<String> present = new HashSet<>();
                for (String id : ids) {
                    if (loaded.index().get(id).isPresent()) {
                        present.add(id);
                    }
                }
                if (present.isEmpty()) {
                    return new WriteResult(0, loaded.head().version());
                }
                try {
                    NamespaceHead next = store.commit(loaded.head(), loaded.index(), List.of(), present);
                    present.forEach(loaded.index()::delete);
                    cache.put(name, new Loaded(next, loaded.index()));
                    return new WriteResult(present.size(), next.version());
                } catch (CommitConflictException lost) {
                    cache.remove(name);
                }
            }
            throw new ConcurrentWriteException(name, MAX_COMMIT_ATTEMPTS);
        } finally {
            lock.unlock();
        }
    }

    public StoredVector get(String name, String id) {
        return current(name).index().get(id).orElseThrow(() -> new VectorNotFoundException(name, id));
    }

    /**
     * @throws DimensionMismatchException naming {@code vector}
     */
    public QueryResult query(String name, Query query) {
        Loaded loaded = current(name);
        NamespaceHead head = loaded.head();
        if (query.asOfVersion() != null && query.asOfVersion() != head.version()) {
            if (query.asOfVersion() > head.version()) {
                throw new VersionNotFoundException(name, query.asOfVersion());
            }
            throw new NotImplementedYetException("asOf reads of past versions need the commit log, which is not built"
                    + " yet; only the current version " + head.version() + " can be read");
        }
        if (query.vector().length != head.dimension()) {
            throw new DimensionMismatchException("vector", name, head.dimension(), query.vector().length);
        }
        List<SearchHit> hits = loaded.index().search(query.vector(), query.topK(), query.filter());
        List<QueryResult.Match> matches = new ArrayList<>(hits.size());
        for (SearchHit hit : hits) {
            StoredVector v = loaded.index().get(hit.id()).orElse(new StoredVector(hit.id(), new float[0], Map.of()));
            matches.add(new QueryResult.Match(v, hit.distance()));
        }
        return new QueryResult(matches, head.version());
    }

    private Loaded loadOrCreate(String name, int dimension) {
        try {
            return current(name);
        } catch (NamespaceNotFoundException e) {
            create(name, dimension, Metric.COSINE);
            return current(name);
        }
    }

    private Loaded current(String name) {
        for (int attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
            NamespaceHead head = store.head(name).orElseThrow(() -> new NamespaceNotFoundException(name));
            Loaded cached = cache.get(name);
            if (cached != null && cached.head().etag().equals(head.etag())) {
                return cached;
            }
            try {
                Loaded fresh = new Loaded(head, store.load(head));
                cache.put(name, fresh);
                return fresh;
            } catch (ObjectNotFoundException superseded) {
                // a newer commit replaced this state between our two reads: read the pointer again
            }
        }
        throw new ConcurrentWriteException(name, MAX_COMMIT_ATTEMPTS);
    }

    private static void checkDimensions(String name, int dimension, List<VectorRecord> records) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).values().length != dimension) {
                throw new DimensionMismatchException("vectors[" + i + "].values", name, dimension,
                        records.get(i).values().length);
            }
        }
    }

    private ReentrantLock lockFor(String name) {
        return writeLocks.computeIfAbsent(name, n -> new ReentrantLock());
    }
}
