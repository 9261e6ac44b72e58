package dev.abi.namespace;

import dev.abi.store.LogEntry;
import dev.abi.store.Operation;
import dev.abi.store.PreconditionFailedException;
import dev.abi.vector.Filter;
import dev.abi.vector.Metric;
import dev.abi.vector.StoredVector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/**
 * The writes of {@link NamespaceService}: create, delete, upserts, document replacement and deletes. Each appends
 * one batch to the log and is acknowledged once its slot exists; past the fold threshold it wakes the indexer.
 */
public final class NamespaceWrites {

    private final NamespaceStore store;
    private final LiveStates states;
    private final int maxNamespaces;

    NamespaceWrites(NamespaceStore store, LiveStates states, int maxNamespaces) {
        this.store = store;
        this.states = states;
        this.maxNamespaces = maxNamespaces;
    }

    public NamespaceService.Created create(String name, int dimension, Metric metric) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<DurableNamespace> existing = store.open(name);
            if (existing.isPresent()) {
                NamespaceConfig c = existing.get().config();
                if (c.dimension() != dimension || c.metric() != metric) {
                    throw new NamespaceConflictException("namespace '" + name + "' exists with dimension "
                            + c.dimension() + " and metric " + c.metric().wireName() + "; asked for dimension "
                            + dimension + " and metric " + metric.wireName());
                }
                try {
                    return new NamespaceService.Created(states.info(name, states.head(name)), false);
                } catch (NamespaceNotFoundException closed) {
                    // deleted meanwhile, or a delete closed its log and crashed before removing the config: finish it
                    store.delete(name, existing.get().config().incarnation());
                    states.forget(name);
                    continue;
                }
            }
            if (store.list().size() >= maxNamespaces) {
                throw new NamespaceQuotaException(name, maxNamespaces);
            }
            try {
                store.create(name, dimension, metric);
                return new NamespaceService.Created(new NamespaceInfo(name, dimension, metric, 0, 0), true);
            } catch (PreconditionFailedException raced) {
                // created concurrently: compare with what won
            }
        }
        throw new ConcurrentWriteException(name, 3);
    }

    /**
     * As {@link #create(String, int, Metric)}, recording {@code embeddingModel} (null: none) as the model of the
     * namespace's documents.
     *
     * @throws EmbeddingModelConflictException when the namespace records another model
     */
    public NamespaceService.Created create(String name, int dimension, Metric metric, String embeddingModel) {
        NamespaceService.Created created = create(name, dimension, metric);
        if (embeddingModel == null) {
            return created;
        }
        recordEmbeddingModel(name, embeddingModel);
        return new NamespaceService.Created(states.info(name, states.head(name)), created.created());
    }

    /**
     * Records {@code model} as the embedding model of the namespace when it has none; a no-op when it records the
     * same one.
     *
     * @throws EmbeddingModelConflictException when it records another model
     * @throws NamespaceNotFoundException when it does not exist
     */
    public void recordEmbeddingModel(String name, String model) {
        DurableNamespace ns = states.open(name);
        NamespaceConfig after = store.update(
                        name,
                        ns.config().incarnation(),
                        c -> c.embeddingModel() == null ? c.withEmbeddingModel(model) : c)
                .orElseThrow(() -> new NamespaceNotFoundException(name));
        if (!model.equals(after.embeddingModel())) {
            throw new EmbeddingModelConflictException(name, after.embeddingModel(), model);
        }
    }

    /**
     * Merges attribute changes into stored vectors, keeping their values, in one commit. Ids absent at the head are
     * reported, not created. A concurrent upsert of the same id between the read and the commit is overwritten by
     * the patched copy of the value read.
     */
    public PatchResult patch(String name, List<AttributePatch> patches) {
        LiveStates.Live l = states.currentForWrite(name);
        List<Operation> ops = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        long seq;
        l.lock.readLock().lock();
        try {
            seq = l.state.seq();
            for (AttributePatch p : patches) {
                Optional<StoredVector> v = l.state.index().get(p.id());
                if (v.isEmpty()) {
                    missing.add(p.id());
                    continue;
                }
                Map<String, Object> merged = new LinkedHashMap<>(v.get().attributes());
                p.changes().forEach((k, value) -> {
                    if (value == null) {
                        merged.remove(k);
                    } else {
                        merged.put(k, value);
                    }
                });
                ops.add(Operation.upsert(p.id(), v.get().values(), merged));
            }
        } finally {
            l.lock.readLock().unlock();
        }
        if (ops.isEmpty()) {
            return new PatchResult(0, missing, seq);
        }
        LogEntry e = l.ns.append(ops);
        states.afterCommit(name, l.ns, e);
        return new PatchResult(ops.size(), missing, e.seq());
    }

    /**
     * Deletes, in one commit, every vector at the head whose attributes match {@code filter}.
     *
     * @return how many were deleted and the version committed (the head's when none matched)
     */
    public WriteResult deleteMatching(String name, Filter filter) {
        LiveStates.Live l = states.currentForWrite(name);
        List<String> ids = new ArrayList<>();
        long seq;
        l.lock.readLock().lock();
        try {
            seq = l.state.seq();
            l.state.index().forEach(v -> {
                if (filter.matches(v.attributes())) {
                    ids.add(v.id());
                }
            });
        } finally {
            l.lock.readLock().unlock();
        }
        return ids.isEmpty() ? new WriteResult(0, seq) : deleteVectors(name, ids);
    }

    public void delete(String name) {
        if (store.open(name).isEmpty()) {
            throw new NamespaceNotFoundException(name);
        }
        store.delete(name);
        states.forget(name);
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
        DurableNamespace ns = store.open(name).orElseGet(() -> {
            create(name, records.get(0).values().length, Metric.COSINE);
            return store.open(name).orElseThrow(() -> new NamespaceNotFoundException(name));
        });
        checkDimensions(name, ns.config().dimension(), records);
        List<Operation> ops = new ArrayList<>(records.size());
        for (VectorRecord r : new UpsertBatch(records)) {
            ops.add(Operation.upsert(r.id(), r.values(), r.attributes()));
        }
        LogEntry e;
        try {
            e = ns.append(ops);
        } catch (NamespaceNotFoundException closed) {
            // a delete closed this incarnation's log and crashed before removing its config: finish it, then create
            store.delete(name, ns.config().incarnation());
            states.forget(name);
            create(name, records.get(0).values().length, Metric.COSINE);
            ns = store.open(name).orElseThrow(() -> new NamespaceNotFoundException(name));
            checkDimensions(name, ns.config().dimension(), records);
            e = ns.append(ops);
        }
        states.afterCommit(name, ns, e);
        return new WriteResult(records.size(), e.seq());
    }

    /**
     * Replaces whole documents in one commit: upserts {@code chunks} (ids {@code chunkId(documentId, n)}, n from 0,
     * the documents' scheme) and deletes every chunk each of {@code documentIds} has at the head beyond the new
     * ones. A document given no chunks is deleted. Creates the namespace, as {@link #upsert} does, when there are
     * chunks and it does not exist.
     *
     * @return how many chunks were deleted, and the version committed (the head's when nothing changed)
     */
    public WriteResult replaceDocuments(
            String name,
            List<VectorRecord> chunks,
            Collection<String> documentIds,
            BiFunction<String, Integer, String> chunkId) {
        if (!chunks.isEmpty() && store.open(name).isEmpty()) {
            create(name, chunks.get(0).values().length, Metric.COSINE);
        }
        LiveStates.Live l = states.currentForWrite(name);
        checkDimensions(name, l.ns.config().dimension(), chunks);
        Set<String> fresh = new HashSet<>();
        List<Operation> ops = new ArrayList<>(chunks.size());
        for (VectorRecord r : new UpsertBatch(chunks)) {
            ops.add(Operation.upsert(r.id(), r.values(), r.attributes()));
            fresh.add(r.id());
        }
        int deleted = 0;
        DurableNamespace.State state;
        l.lock.readLock().lock();
        try {
            state = l.state;
            for (String doc : new LinkedHashSet<>(documentIds)) {
                for (int n = 0; state.index().get(chunkId.apply(doc, n)).isPresent(); n++) {
                    if (!fresh.contains(chunkId.apply(doc, n))) {
                        ops.add(Operation.delete(chunkId.apply(doc, n)));
                        deleted++;
                    }
                }
            }
        } finally {
            l.lock.readLock().unlock();
        }
        if (ops.isEmpty()) {
            return new WriteResult(0, state.seq());
        }
        LogEntry e = l.ns.append(ops);
        states.afterCommit(name, l.ns, e);
        return new WriteResult(deleted, e.seq());
    }

    /** Deletes vectors by id; ids that do not exist at the head are ignored and not counted. */
    public WriteResult deleteVectors(String name, List<String> ids) {
        LiveStates.Live l = states.currentForWrite(name);
        DurableNamespace.State state = l.state;
        List<Operation> ops = new ArrayList<>();
        l.lock.readLock().lock();
        try {
            for (String id : new LinkedHashSet<>(ids)) {
                if (state.index().get(id).isPresent()) {
                    ops.add(Operation.delete(id));
                }
            }
        } finally {
            l.lock.readLock().unlock();
        }
        if (ops.isEmpty()) {
            return new WriteResult(0, state.seq());
        }
        LogEntry e = l.ns.append(ops);
        states.afterCommit(name, l.ns, e);
        return new WriteResult(ops.size(), e.seq());
    }

    /**
     * Deletes, in one commit, every vector at the head that {@code matches} (given the id and attributes). Used to
     * drop what a removed or replaced source object contributed.
     *
     * @return how many were deleted, and the version committed; {@code (0, -1)} when nothing matched or the namespace
     *     does not exist
     */
    public WriteResult deleteWhere(String name, BiPredicate<String, Map<String, Object>> matches) {
        List<String> ids = idsWhere(name, matches);
        return ids.isEmpty() ? new WriteResult(0, -1) : deleteVectors(name, ids);
    }

    /** How many vectors at the head match (given the id and attributes); 0 when the namespace does not exist. */
    public int countWhere(String name, BiPredicate<String, Map<String, Object>> matches) {
        return idsWhere(name, matches).size();
    }

    private List<String> idsWhere(String name, BiPredicate<String, Map<String, Object>> matches) {
        if (store.open(name).isEmpty()) {
            return List.of();
        }
        LiveStates.Live l = states.current(name);
        List<String> ids = new ArrayList<>();
        l.lock.readLock().lock();
        try {
            l.state.index().forEach(v -> {
                if (matches.test(v.id(), v.attributes())) {
                    ids.add(v.id());
                }
            });
        } finally {
            l.lock.readLock().unlock();
        }
        return ids;
    }

    private static void checkDimensions(String name, int dimension, List<VectorRecord> records) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).values().length != dimension) {
                throw new DimensionMismatchException(
                        "vectors[" + i + "].values",
                        name,
                        dimension,
                        records.get(i).values().length);
            }
        }
    }
}
