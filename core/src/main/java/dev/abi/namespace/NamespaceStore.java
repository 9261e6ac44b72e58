package dev.abi.namespace;

import dev.abi.vector.Metric;
import dev.abi.vector.VectorIndex;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable state of namespaces: the seam between {@link NamespaceService} and object storage.
 * {@link SnapshotNamespaceStore} is the foundation's implementation (whole snapshots plus a pointer); the commit-log
 * store of DESIGN-STORAGE.md replaces it behind this interface.
 */
public interface NamespaceStore {

    /** Names of all namespaces, sorted. */
    List<String> list();

    /** The namespace's current head, or empty when it does not exist. Cheap: reads the pointer only. */
    Optional<NamespaceHead> head(String namespace);

    /**
     * The vectors of a committed state.
     *
     * @throws dev.abi.store.ObjectNotFoundException when the state was superseded and collected meanwhile; reread the head
     */
    VectorIndex load(NamespaceHead head);

    /**
     * Creates an empty namespace at version 0.
     *
     * @throws dev.abi.store.PreconditionFailedException when it already exists
     */
    NamespaceHead create(String namespace, int dimension, Metric metric);

    /**
     * Commits {@code current} with {@code deletes} removed and {@code upserts} applied as version
     * {@code previous.version() + 1}. Does not modify {@code current}.
     *
     * @throws CommitConflictException when another writer committed after {@code previous}
     */
    NamespaceHead commit(NamespaceHead previous, VectorIndex current, Collection<VectorRecord> upserts,
                         Set<String> deletes);

    /** Deletes the namespace and its data; missing namespaces are ignored. */
    void delete(String namespace);
}
