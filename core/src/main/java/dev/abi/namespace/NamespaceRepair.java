package dev.abi.namespace;

import dev.abi.store.CorruptObjectException;
import dev.abi.store.LogQuarantine;
import dev.abi.store.Manifest;
import dev.abi.store.PreconditionFailedException;
import java.util.List;
import java.util.Optional;

/**
 * Holds and repairs for a namespace whose head cannot be read because one log entry, or its WAL object, fails
 * verification (docs/runbooks/repair.md).
 *
 * <p>The first instance that fails to rebuild the head over such an entry records a hold in the namespace config;
 * every instance reads the config on each write, so from then on every write is refused
 * ({@link WritesHeldException}) instead of being acknowledged behind a head no read can reach. The operator's repair
 * quarantines that one entry ({@link LogQuarantine}): its slot becomes an empty write, every later entry is kept,
 * and the config loses its hold and counts the repair; then {@code NamespaceMaintenance.repair} commits a restore to
 * the head, so that every instance, whose reads check only the log, rebuilds its cached state.
 */
final class NamespaceRepair {

    private static final System.Logger LOG = System.getLogger(NamespaceRepair.class.getName());

    private final NamespaceStore store;

    NamespaceRepair(NamespaceStore store) {
        this.store = store;
    }

    /**
     * Holds writes when {@code failure}, met while rebuilding the head of {@code ns}, names a log entry. A hold is set
     * once, and only on the config this handle was opened with (not one a repair has replaced meanwhile).
     */
    void holdIfEntryUnreadable(DurableNamespace ns, CorruptObjectException failure) {
        if (failure.seq().isEmpty() || ns.config().hold() != null) {
            return;
        }
        long seq = failure.seq().getAsLong();
        long repairs = ns.config().repairs();
        NamespaceConfig.Hold hold =
                new NamespaceConfig.Hold(seq, failure.key(), store.clock().millis());
        try {
            store.update(
                    ns.config().name(),
                    ns.config().incarnation(),
                    c -> c.hold() == null && c.repairs() == repairs ? c.withHold(hold) : c);
            LOG.log(
                    System.Logger.Level.ERROR,
                    "namespace " + ns.config().name() + ": version " + seq
                            + " cannot be read (" + failure.getMessage() + "); writes are held until it is repaired"
                            + " (docs/runbooks/repair.md)");
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "namespace " + ns.config().name() + ": could not record the hold on" + " unreadable version " + seq
                            + ": " + e.getMessage());
        }
    }

    /**
     * Quarantines the entry at {@code seq}; or, when the entry that holds writes verifies again (its object was
     * restored from bucket versioning), only lifts the hold.
     *
     * @param force quarantine it even though it verifies (only while it is not folded into segments yet)
     * @return what the quarantine did; empty when only the hold was lifted
     * @throws VersionNotFoundException when {@code seq} is not inside the log (past the head, or collected)
     * @throws RepairRefusedException when the entry verifies and {@code force} is not set, or it changed meanwhile
     */
    Optional<LogQuarantine.Result> quarantine(DurableNamespace ns, long seq, boolean force) {
        String name = ns.config().name();
        List<Long> seqs = ns.log().listSeqs();
        if (seq < 1 || seqs.isEmpty() || seq < seqs.get(0) || seq > seqs.get(seqs.size() - 1)) {
            throw new VersionNotFoundException(
                    name,
                    "version " + seq + " of namespace '" + name + "' is not in its log (past the head, or collected)");
        }
        Optional<CorruptObjectException> problem = ns.verify(seq);
        String reason;
        NamespaceConfig.Hold hold = ns.config().hold();
        if (problem.isPresent()) {
            reason = problem.get().getMessage();
        } else if (!force && hold != null && hold.seq() == seq) {
            store.update(name, ns.config().incarnation(), NamespaceConfig::repaired);
            LOG.log(
                    System.Logger.Level.WARNING,
                    "namespace " + name + ": version " + seq + " verifies again; the"
                            + " hold on writes is lifted and nothing was quarantined");
            return Optional.empty();
        } else if (!force) {
            throw new RepairRefusedException("version " + seq + " of namespace '" + name + "' is readable: its log"
                    + " entry and WAL object verify, so there is nothing to quarantine (force it to drop the"
                    + " entry's writes from every later version)");
        } else if (seq
                <= ns.manifests().newest().map(Manifest::appliedThroughSeq).orElse(0L)) {
            throw new RepairRefusedException("version " + seq + " of namespace '" + name + "' is readable and already"
                    + " folded into segments: a quarantine would not remove its writes from the head; restore to"
                    + " the version before it instead");
        } else {
            reason = "forced by an operator; the entry verified";
        }
        LogQuarantine.Result result;
        try {
            result = new LogQuarantine(ns.objects(), ns.log(), store.clock()).quarantine(seq, reason);
        } catch (PreconditionFailedException changed) {
            throw new RepairRefusedException(
                    "log slot " + seq + " of namespace '" + name + "' changed during the" + " repair; check it again");
        }
        store.update(name, ns.config().incarnation(), NamespaceConfig::repaired);
        LOG.log(
                System.Logger.Level.WARNING,
                "namespace " + name + ": quarantined version " + seq + " under " + result.prefix() + " (" + reason
                        + "); writes are accepted again");
        return Optional.of(result);
    }
}
