package dev.abi.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.store.CommitContentionException;
import dev.abi.store.FaultyObjectStore;
import dev.abi.store.LogEntry;
import dev.abi.store.MetadataStore;
import dev.abi.store.MutableClock;
import dev.abi.store.ObjectMetadataStore;
import dev.abi.store.ObjectStore;
import dev.abi.store.ObjectStoreException;
import dev.abi.store.Operation;
import dev.abi.store.PreconditionFailedException;
import dev.abi.vector.Metric;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The randomized model check of DESIGN-STORAGE.md, usable against any {@link ObjectStore} (the in-memory store in
 * core, S3Proxy in adapters-aws). Writers, each its own "instance", append random batches through seeded faults
 * (409/503/429 storms and responses lost after the store applied a put), while one instance restores to random
 * versions and another folds the log. Then, through a healed store:
 * <ul>
 *   <li>log slots are contiguous, each written once, with strictly increasing commit times;</li>
 *   <li>every acknowledged write is at the seq it was acknowledged with, and no batch appears twice;</li>
 *   <li>the state at every checked seq, read by {@code asOf} and by {@code restore(T)}, equals a plain in-memory
 *       model that applies the committed batches in seq order;</li>
 *   <li>HEAD equals the model's last state, so it holds every acknowledged write;</li>
 *   <li>reads on two more instances while it all runs, each answering one state that equals the model's at its
 *       version: a strong reader's version is at least every version acknowledged (writes and restores) before the
 *       read began, and an eventual reader's (its own hand-moved clock, bound 250 ms) at least every version
 *       acknowledged more than 250 ms before it began. Both read the log forward with GETs, never a LIST.</li>
 * </ul>
 * Each batch carries a marker vector whose attribute is a unique nonce, which identifies the batch in the log even
 * when its writer never learned the outcome.
 */
public final class ModelCheck {

    /** What a run did. */
    public record Report(
            int acknowledged, int unknown, int restores, long headSeq, int statesChecked, int readsChecked) {}

    /** The staleness bound of the eventual reader. */
    private static final long BOUND_MS = 250;

    /** One read during the run: the version it had to reach at least, and what it answered. */
    private record Read(boolean eventual, long mustSee, long version, TreeMap<String, String> contents) {}

    private record Committed(String nonce, List<Operation> ops) {}

    private ModelCheck() {}

    public static Report run(ObjectStore base, long seed, int writers, int batchesPerWriter) throws Exception {
        return run(base, o -> new ObjectMetadataStore(o, Clock.systemUTC()), seed, writers, batchesPerWriter);
    }

    /** As {@link #run(ObjectStore, long, int, int)}, with leases and head hints in the given metadata store. */
    public static Report run(
            ObjectStore base,
            Function<ObjectStore, MetadataStore> metadata,
            long seed,
            int writers,
            int batchesPerWriter)
            throws Exception {
        return run(base, metadata, seed, writers, batchesPerWriter, true);
    }

    /**
     * @param racing run writers, the restorer and the indexer on their own threads; false interleaves them on one
     *     thread (same faults, no concurrent creates), for emulators whose conditional writes are not atomic
     */
    public static Report run(
            ObjectStore base,
            Function<ObjectStore, MetadataStore> metadata,
            long seed,
            int writers,
            int batchesPerWriter,
            boolean racing)
            throws Exception {
        String name = "mc" + Long.toHexString(seed & 0xffffff) + "x" + writers;
        NamespaceStore admin = new NamespaceStore(base);
        admin.create(name, 4, Metric.L2);
        FaultyObjectStore faulty = new FaultyObjectStore(base, seed)
                .storms(0.12, 0.06)
                .stormTargets(c -> c.isPut() && !c.key().startsWith("namespaces/"));
        NamespaceStore.Options opts =
                new NamespaceStore.Options(Duration.ofDays(1), Duration.ofHours(1), 4, 3, Duration.ofSeconds(30));

        Map<String, List<Operation>> attempted = new ConcurrentHashMap<>();
        Map<Long, String> acked = new ConcurrentHashMap<>();
        Map<Long, Long> ackedRestores = new ConcurrentHashMap<>();
        int[] unknown = new int[1];
        List<Throwable> died = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler record = (t, e) -> died.add(e);
        NamespaceStore[] writerStores = new NamespaceStore[writers];
        for (int w = 0; w < writers; w++) {
            writerStores[w] = instance(faulty, metadata, opts);
        }
        NamespaceStore restorerStore = instance(faulty, metadata, opts);
        NamespaceStore indexerStore = instance(faulty, metadata, opts);
        // readers: one strong, one eventual whose clock (only its own thread moves it) times acknowledgements too
        MutableClock readerClock = new MutableClock(1_800_000_000_000L);
        NamespaceService strongReader =
                new NamespaceService(instance(faulty, metadata, opts), Runnable::run, 10_000, ReadPolicy.DEFAULTS);
        NamespaceService eventualReader = new NamespaceService(
                new NamespaceStore(faulty, metadata.apply(faulty), readerClock, opts),
                Runnable::run,
                10_000,
                ReadPolicy.DEFAULTS
                        .withConsistency(Consistency.EVENTUAL)
                        .withMaxStaleness(Duration.ofMillis(BOUND_MS)));
        AtomicLong newestAcked = new AtomicLong();
        Queue<long[]> ackTimes = new ConcurrentLinkedQueue<>(); // {version, readerClock when acknowledged}
        LongConsumer acknowledged = seq -> {
            ackTimes.add(new long[] {seq, readerClock.millis()});
            newestAcked.accumulateAndGet(seq, Math::max);
        };
        List<Read> reads = new CopyOnWriteArrayList<>();
        Random readRnd = new Random(seed * 7);
        Random restoreRnd = new Random(seed * 17);
        // One step each: writer w's batch b, one restore, one fold. Racing runs them on their own threads.
        BiConsumer<Integer, Integer> writeStep = (writer, b) -> {
            Random rnd = new Random(seed * 31 + writer * 1_000_003L + b);
            DurableNamespace ns = writerStores[writer].open(name).orElseThrow();
            String nonce = writer + "-" + b;
            List<Operation> ops = new ArrayList<>();
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                String id = "w" + writer + "-" + rnd.nextInt(6);
                ops.add(
                        rnd.nextInt(4) == 0
                                ? Operation.delete(id)
                                : Operation.upsert(
                                        id,
                                        new float[] {rnd.nextFloat(), rnd.nextFloat(), writer, b},
                                        Map.of("b", (long) b)));
            }
            ops.add(Operation.upsert("w" + writer + "-marker", new float[] {writer, b, 0, 0}, Map.of("nonce", nonce)));
            attempted.put(nonce, ops);
            try {
                long seq = ns.append(ops).seq();
                acked.put(seq, nonce);
                acknowledged.accept(seq);
            } catch (ObjectStoreException | CommitContentionException | PreconditionFailedException e) {
                synchronized (unknown) {
                    unknown[0]++;
                }
            }
        };
        Runnable restoreStep = () -> {
            DurableNamespace ns = restorerStore.open(name).orElseThrow();
            try {
                long head = ns.log().newestAtOrAfter(1).seq();
                long target;
                synchronized (restoreRnd) {
                    target = head == 0 ? 0 : restoreRnd.nextLong(head + 1);
                }
                long seq = ns.log().appendRestore(target).seq();
                ackedRestores.put(seq, target);
                acknowledged.accept(seq);
            } catch (ObjectStoreException | CommitContentionException | PreconditionFailedException e) {
                // outcome unknown: the log decides; the check reads restores from it
            }
        };
        Runnable foldStep = () -> {
            try {
                indexerStore.indexer().fold(indexerStore.open(name).orElseThrow());
            } catch (RuntimeException faultDuringFold) {
                // a fold may die anywhere: it only ever leaves orphans
            }
        };
        Runnable readStep = () -> {
            boolean eventual;
            long mustSee;
            synchronized (readRnd) {
                eventual = readRnd.nextBoolean();
                if (eventual) {
                    readerClock.advance(Duration.ofMillis(readRnd.nextInt(100)));
                }
            }
            if (eventual) {
                long startedAt = readerClock.millis();
                mustSee = ackTimes.stream()
                        .filter(a -> a[1] < startedAt - BOUND_MS)
                        .mapToLong(a -> a[0])
                        .max()
                        .orElse(0);
            } else {
                mustSee = newestAcked.get();
            }
            ScanPage page = (eventual ? eventualReader : strongReader).reads().scan(name, null, null, 1_000_000);
            TreeMap<String, String> seen = new TreeMap<>();
            page.vectors().forEach(v -> seen.put(v.id(), Arrays.toString(v.values()) + v.attributes()));
            reads.add(new Read(eventual, mustSee, page.version(), seen));
        };
        int restores = Math.max(2, batchesPerWriter / 4);
        List<Thread> threads = new ArrayList<>();
        if (racing) {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                threads.add(Thread.ofPlatform().uncaughtExceptionHandler(record).start(() -> {
                    for (int b = 0; b < batchesPerWriter; b++) {
                        writeStep.accept(writer, b);
                    }
                }));
            }
            threads.add(Thread.ofPlatform().uncaughtExceptionHandler(record).start(() -> {
                for (int i = 0; i < restores; i++) {
                    restoreStep.run();
                }
            }));
            threads.add(Thread.ofPlatform().uncaughtExceptionHandler(record).start(() -> {
                for (int i = 0; i < batchesPerWriter; i++) {
                    foldStep.run();
                }
            }));
            threads.add(Thread.ofPlatform().uncaughtExceptionHandler(record).start(() -> {
                for (int i = 0; i < batchesPerWriter * 2; i++) {
                    readStep.run();
                }
            }));
        } else {
            threads.add(Thread.ofPlatform().uncaughtExceptionHandler(record).start(() -> {
                Random order = new Random(seed);
                for (int b = 0; b < batchesPerWriter; b++) {
                    for (int w = 0; w < writers; w++) {
                        writeStep.accept(w, b);
                    }
                    if (order.nextInt(4) == 0) {
                        restoreStep.run();
                    }
                    if (order.nextInt(3) == 0) {
                        foldStep.run();
                    }
                    readStep.run();
                    readStep.run();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        faulty.heal();
        if (!died.isEmpty()) {
            AssertionError e = new AssertionError("a writer, restorer or indexer died of an unexpected exception");
            died.forEach(e::addSuppressed);
            throw e;
        }

        // ---- verification through the healed store ----
        NamespaceStore clean = new NamespaceStore(base);
        DurableNamespace ns = clean.open(name).orElseThrow();
        long head = ns.log().newestAtOrAfter(1).seq();
        List<LogEntry> entries = ns.log().entriesAfter(0, head); // throws on a missing slot
        assertEquals(head, entries.size(), "log slots are contiguous from 1");
        Map<String, Long> seqOfNonce = new HashMap<>();
        List<TreeMap<String, String>> states = new ArrayList<>();
        states.add(new TreeMap<>());
        long previousTs = Long.MIN_VALUE;
        for (LogEntry e : entries) {
            assertTrue(e.commitTs() > previousTs, "commit times strictly increase at seq " + e.seq());
            previousTs = e.commitTs();
            TreeMap<String, String> next;
            if (e.kind() == LogEntry.Kind.RESTORE) {
                assertTrue(e.restoreTo() < e.seq(), "a restore targets an earlier version");
                next = new TreeMap<>(states.get((int) e.restoreTo()));
            } else {
                List<Operation> ops = ns.opsOf(e);
                String nonce = (String) ops.get(ops.size() - 1).attributes().get("nonce");
                assertNotNull(nonce, "batch at seq " + e.seq() + " has its marker");
                assertTrue(seqOfNonce.put(nonce, e.seq()) == null, "batch " + nonce + " committed twice");
                assertEquals(describe(attempted.get(nonce)), describe(ops), "batch " + nonce + " is stored whole");
                next = new TreeMap<>(states.get(states.size() - 1));
                for (Operation op : ops) {
                    if (op.isDelete()) {
                        next.remove(op.id());
                    } else {
                        next.put(op.id(), Arrays.toString(op.values()) + op.attributes());
                    }
                }
            }
            states.add(next);
        }
        for (Map.Entry<Long, String> a : acked.entrySet()) {
            assertEquals(
                    a.getKey(),
                    seqOfNonce.get(a.getValue()),
                    "acknowledged batch " + a.getValue() + " is at the seq it was acknowledged with");
        }
        for (Map.Entry<Long, Long> r : ackedRestores.entrySet()) {
            LogEntry e = entries.get((int) (r.getKey() - 1));
            assertEquals(LogEntry.Kind.RESTORE, e.kind());
            assertEquals(r.getValue(), e.restoreTo());
        }
        assertEquals(states.get((int) head), contents(ns.load(head)), "HEAD holds every acknowledged write");
        for (Read r : reads) {
            String who = r.eventual() ? "an eventual read" : "a strong read";
            assertTrue(
                    r.version() >= r.mustSee(),
                    who + " answered version " + r.version() + ", older than version "
                            + r.mustSee()
                            + (r.eventual()
                                    ? ", acknowledged more than " + BOUND_MS + " ms before it began"
                                    : ", acknowledged before it began"));
            assertTrue(r.version() <= head, who + " answered a version past the head");
            assertEquals(
                    states.get((int) r.version()), r.contents(), who + " answered the state of version " + r.version());
        }

        Random rnd = new Random(seed);
        int checked = 0;
        for (int i = 0; i < 12 && head > 0; i++) {
            long s = 1 + rnd.nextLong(head);
            LogEntry e = entries.get((int) (s - 1));
            long next = s < head ? entries.get((int) s).commitTs() : e.commitTs() + 1000;
            long t = e.commitTs() + rnd.nextLong(Math.max(1, next - e.commitTs()));
            assertEquals(s, ns.log().seqAt(t).orElseThrow(), "time " + t + " resolves to seq " + s);
            assertEquals(states.get((int) s), contents(ns.load(s)), "asOf state at seq " + s);
            checked++;
        }
        NamespaceService service = new NamespaceService(clean, Runnable::run);
        for (int i = 0; i < 3 && head > 0; i++) {
            long s = 1 + rnd.nextLong(head);
            long t = entries.get((int) (s - 1)).commitTs();
            NamespaceService.RestoreResult r = service.restoreToTime(name, t);
            assertEquals(s, r.restoredFrom());
            DurableNamespace after = clean.open(name).orElseThrow();
            assertEquals(states.get((int) s), contents(after.load(r.version())), "restore(T) to seq " + s);
            checked++;
        }
        return new Report(acked.size(), unknown[0], ackedRestores.size(), head, checked, reads.size());
    }

    private static NamespaceStore instance(
            ObjectStore objects, Function<ObjectStore, MetadataStore> metadata, NamespaceStore.Options opts) {
        return new NamespaceStore(objects, metadata.apply(objects), Clock.systemUTC(), opts);
    }

    static TreeMap<String, String> contents(DurableNamespace.State state) {
        TreeMap<String, String> out = new TreeMap<>();
        state.index().forEach(v -> out.put(v.id(), Arrays.toString(v.values()) + v.attributes()));
        return out;
    }

    private static String describe(List<Operation> ops) {
        StringBuilder sb = new StringBuilder();
        for (Operation op : ops) {
            sb.append(op.id())
                    .append(op.isDelete() ? "-" : Arrays.toString(op.values()) + op.attributes())
                    .append(';');
        }
        return sb.toString();
    }
}
