package dev.abi.namespace;

import dev.abi.vector.SearchHit;
import dev.abi.vector.StoredVector;
import dev.abi.vector.VectorIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reads of {@link NamespaceService}: listing, describing, getting and querying, each from this instance's state
 * brought up to the head, so a read sees every write acknowledged before it began. Identical concurrent queries are
 * searched once ({@link QueryCoalescer}).
 */
public final class NamespaceReads {

    private final NamespaceStore store;
    private final LiveStates states;
    private final QueryCoalescer coalescer;
    private final AtomicLong searches = new AtomicLong();

    NamespaceReads(NamespaceStore store, LiveStates states) {
        this.store = store;
        this.states = states;
        this.coalescer = new QueryCoalescer(1024, 5_000, store.clock()::millis); // the store's clock, as GC uses
    }

    public List<NamespaceInfo> list() {
        List<NamespaceInfo> out = new ArrayList<>();
        for (String name : store.list()) {
            try {
                out.add(describe(name));
            } catch (NamespaceNotFoundException deletedMeanwhile) {
                // listed, then deleted
            }
        }
        return out;
    }

    public NamespaceInfo describe(String name) {
        return states.info(name, states.head(name));
    }

    public StoredVector get(String name, String id) {
        LiveStates.Live l = states.current(name);
        l.lock.readLock().lock();
        try {
            return l.state.index().get(id).orElseThrow(() -> new VectorNotFoundException(name, id));
        } finally {
            l.lock.readLock().unlock();
        }
    }

    /**
     * @throws DimensionMismatchException naming {@code vector}
     * @throws VersionNotFoundException when {@code asOf} names a version or time that is unknown or collected
     */
    public QueryResult query(String name, NamespaceService.Query query) {
        return query(name, query, null);
    }

    /**
     * As {@link #query(String, NamespaceService.Query)}; with a {@code coalesceKey} (the request's canonical form: vector, topK,
     * filter), identical concurrent queries at the same version are searched once and their result is cached for a
     * few seconds, keyed on the version, so a write is never answered from the cache.
     */
    public QueryResult query(String name, NamespaceService.Query query, String coalesceKey) {
        if (coalesceKey != null && query.asOf() == null) {
            LiveStates.Live l = states.current(name);
            long seq;
            l.lock.readLock().lock();
            try {
                seq = l.state.seq();
            } finally {
                l.lock.readLock().unlock();
            }
            // the root names the incarnation: a namespace deleted and created again at the same version is another
            return coalescer.get(l.ns.root() + "@" + seq + "#" + coalesceKey, () -> {
                l.lock.readLock().lock();
                try {
                    return search(name, l.state, query);
                } finally {
                    l.lock.readLock().unlock();
                }
            });
        }
        if (query.asOf() != null) {
            DurableNamespace.State past = states.stateAsOf(name, query.asOf());
            return search(name, past, query);
        }
        LiveStates.Live l = states.current(name);
        l.lock.readLock().lock();
        try {
            return search(name, l.state, query);
        } finally {
            l.lock.readLock().unlock();
        }
    }

    /** Index searches run so far (coalesced and cached queries do not search). */
    public long searches() {
        return searches.get();
    }

    private QueryResult search(String name, DurableNamespace.State state, NamespaceService.Query query) {
        searches.incrementAndGet();
        VectorIndex index = state.index();
        if (query.vector().length != index.dimension()) {
            throw new DimensionMismatchException("vector", name, index.dimension(), query.vector().length);
        }
        List<SearchHit> hits = index.search(query.vector(), query.topK(), query.filter());
        List<QueryResult.Match> matches = new ArrayList<>(hits.size());
        for (SearchHit hit : hits) {
            StoredVector v = index.get(hit.id()).orElse(new StoredVector(hit.id(), new float[0], Map.of()));
            matches.add(new QueryResult.Match(v, hit.distance()));
        }
        return new QueryResult(matches, state.seq());
    }

}
