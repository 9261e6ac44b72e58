package dev.abi.namespace;

import dev.abi.vector.SearchHit;
import dev.abi.vector.StoredVector;
import dev.abi.vector.VectorIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The reads of {@link NamespaceService}: listing, describing, getting and querying, each from this instance's state
 * brought up to the head, so a strong read sees every write acknowledged before it began (one GET of the next log
 * slot when nothing changed); an eventual read may be answered from a state checked within the deployment's bound
 * with no store call ({@link Consistency}). Reads that name no consistency get the deployment's default ({@link
 * ReadPolicy}). Identical concurrent queries are searched once ({@link QueryCoalescer}).
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

    /**
     * A page of namespace names in ascending order, from the one listing of {@code namespaces/} (no read per
     * namespace).
     *
     * @param prefix only names starting with this ("" for all)
     * @param after only names after this one (the last name of the previous page), or null
     * @param limit at most this many names
     * @return up to {@code limit + 1} names: the caller tells from the extra one that more follow
     */
    public List<String> listNames(String prefix, String after, int limit) {
        return store.list().stream()
                .filter(n -> n.startsWith(prefix) && (after == null || n.compareTo(after) > 0))
                .sorted()
                .limit((long) limit + 1)
                .toList();
    }

    /**
     * A page of the namespace's vectors, ids ascending, from the state at {@code version} (the head when null).
     *
     * @param after only ids after this one (the last id of the previous page), or null
     * @throws VersionNotFoundException when {@code version} is unknown or collected
     */
    public ScanPage scan(String name, Long version, String after, int limit) {
        return atState(name, version == null ? null : NamespaceService.AsOf.version(version), null, state -> {
            List<StoredVector> page = new ArrayList<>();
            state.index().forEach(v -> {
                if (after == null || v.id().compareTo(after) > 0) {
                    page.add(v);
                }
            });
            page.sort(Comparator.comparing(StoredVector::id));
            boolean more = page.size() > limit;
            return new ScanPage(List.copyOf(more ? page.subList(0, limit) : page), more, state.seq());
        });
    }

    /** The vectors with these ids, read from one state (the head, or {@code asOf}); absent ids are listed apart. */
    public Fetched getMany(String name, List<String> ids, NamespaceService.AsOf asOf) {
        return atState(name, asOf, null, state -> {
            List<StoredVector> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String id : new LinkedHashSet<>(ids)) {
                state.index().get(id).ifPresentOrElse(found::add, () -> missing.add(id));
            }
            return new Fetched(found, missing, state.seq());
        });
    }

    /**
     * Answers every probe from the one state at {@code asOf} (the head when null).
     *
     * @throws VectorNotFoundException when a probe names an id that state does not hold
     * @throws DimensionMismatchException naming {@code queries[i].vector} (a probe by id cannot mismatch)
     */
    public QueryBatchResult queryAll(String name, List<Probe> probes, NamespaceService.AsOf asOf) {
        return queryAll(name, probes, asOf, null);
    }

    /** As {@link #queryAll(String, List, NamespaceService.AsOf)}, reading the head as {@code consistency} asks. */
    public QueryBatchResult queryAll(
            String name, List<Probe> probes, NamespaceService.AsOf asOf, Consistency consistency) {
        return atState(name, asOf, consistency, state -> {
            List<List<QueryResult.Match>> results = new ArrayList<>(probes.size());
            for (int i = 0; i < probes.size(); i++) {
                Probe p = probes.get(i);
                float[] vector = p.vector() != null
                        ? p.vector()
                        : state.index()
                                .get(p.id())
                                .orElseThrow(() -> new VectorNotFoundException(name, p.id()))
                                .values();
                results.add(search(
                                name,
                                state,
                                new NamespaceService.Query(vector, p.topK(), p.filter(), null),
                                "queries[" + i + "].vector")
                        .matches());
            }
            return new QueryBatchResult(results, state.seq());
        });
    }

    /**
     * Runs {@code work} on the state at {@code asOf}, or on the head (as fresh as {@code consistency} asks; null: the
     * default) under its read lock when null.
     */
    private <T> T atState(
            String name,
            NamespaceService.AsOf asOf,
            Consistency consistency,
            Function<DurableNamespace.State, T> work) {
        if (asOf != null) {
            return work.apply(states.stateAsOf(name, asOf));
        }
        LiveStates.Live l = states.current(name, consistency);
        l.lock.readLock().lock();
        try {
            return work.apply(l.state);
        } finally {
            l.lock.readLock().unlock();
        }
    }

    /** The embedding model the namespace records (one read of its config); empty when none, or no namespace. */
    public Optional<String> embeddingModel(String name) {
        return store.open(name).flatMap(ns -> Optional.ofNullable(ns.config().embeddingModel()));
    }

    public NamespaceInfo describe(String name) {
        return states.info(name, states.head(name));
    }

    public StoredVector get(String name, String id) {
        LiveStates.Live l = states.current(name, null);
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
            LiveStates.Live l = states.current(name, query.consistency());
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
        LiveStates.Live l = states.current(name, query.consistency());
        l.lock.readLock().lock();
        try {
            return search(name, l.state, query);
        } finally {
            l.lock.readLock().unlock();
        }
    }

    /**
     * How many vectors this instance's cached state of {@code name} holds, without bringing it up to the head (no
     * store call); empty when this instance holds none. For decisions that a few missing writes do not change.
     */
    public OptionalInt cachedCount(String name) {
        LiveStates.Live l = states.cached(name);
        return l == null || l.state == null
                ? OptionalInt.empty()
                : OptionalInt.of(l.state.index().size());
    }

    /** Index searches run so far (coalesced and cached queries do not search). */
    public long searches() {
        return searches.get();
    }

    private QueryResult search(String name, DurableNamespace.State state, NamespaceService.Query query) {
        return search(name, state, query, "vector");
    }

    private QueryResult search(String name, DurableNamespace.State state, NamespaceService.Query query, String field) {
        searches.incrementAndGet();
        VectorIndex index = state.index();
        if (query.vector().length != index.dimension()) {
            throw new DimensionMismatchException(field, name, index.dimension(), query.vector().length);
        }
        dev.abi.telemetry.QueryPath.note(QueryPaths.of(index));
        List<SearchHit> hits = index.search(query.vector(), query.topK(), query.filter());
        List<QueryResult.Match> matches = new ArrayList<>(hits.size());
        for (SearchHit hit : hits) {
            StoredVector v = index.get(hit.id()).orElse(new StoredVector(hit.id(), new float[0], Map.of()));
            matches.add(new QueryResult.Match(v, hit.distance()));
        }
        return new QueryResult(matches, state.seq());
    }
}
