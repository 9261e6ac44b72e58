package dev.abi.store;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Wraps an {@link ObjectStore} and injects seeded faults at its boundaries, the failure modes of
 * DESIGN-STORAGE.md: a crash (the calling "instance" dies) before or after an operation applies, a response lost
 * after the store applied a conditional put, pauses, and storms of 409, 503 and 429 answers.
 */
public final class FaultyObjectStore implements ObjectStore {

    /** The kinds of calls faults can target. */
    public enum Op {
        GET,
        GET_RANGE,
        PUT_IF_ABSENT,
        PUT_IF_MATCH,
        LIST,
        DELETE
    }

    /** One call: what and on which key (the prefix for LIST). */
    public record Call(Op op, String key) {
        public boolean isPut() {
            return op == Op.PUT_IF_ABSENT || op == Op.PUT_IF_MATCH;
        }
    }

    /** Thrown where the calling instance "dies": tests treat it as a process crash, never as a store answer. */
    public static final class SimulatedCrash extends RuntimeException {
        public SimulatedCrash(Call call, boolean applied) {
            super("simulated crash " + (applied ? "after" : "before") + " " + call.op() + " " + call.key());
        }
    }

    /** A hook run around a call, e.g. to pause on a latch or to crash. */
    public interface Hook {
        void run(Call call);
    }

    private record Rule(Predicate<Call> when, boolean after, Hook hook, int[] remaining) {}

    private final ObjectStore delegate;
    private final Random random;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private volatile double stormRate;
    private volatile double lostResponseRate;
    private volatile Predicate<Call> stormTargets = Call::isPut;

    public FaultyObjectStore(ObjectStore delegate, long seed) {
        this.delegate = delegate;
        this.random = new Random(seed);
    }

    /** Runs {@code hook} before matching calls apply, at most {@code times} times. */
    public FaultyObjectStore before(Predicate<Call> when, int times, Hook hook) {
        rules.add(new Rule(when, false, hook, new int[] {times}));
        return this;
    }

    /** Runs {@code hook} after matching calls applied (before their answer returns), at most {@code times} times. */
    public FaultyObjectStore after(Predicate<Call> when, int times, Hook hook) {
        rules.add(new Rule(when, true, hook, new int[] {times}));
        return this;
    }

    /** The next {@code times} matching calls apply, then the caller crashes. */
    public FaultyObjectStore crashAfter(Predicate<Call> when, int times) {
        return after(when, times, call -> {
            throw new SimulatedCrash(call, true);
        });
    }

    /** The next {@code times} matching puts apply, but their answer is lost (a timeout). */
    public FaultyObjectStore loseResponseAfter(Predicate<Call> when, int times) {
        return after(when, times, call -> {
            throw new ObjectStoreException(
                    "simulated timeout after " + call.op() + " " + call.key() + " applied", null);
        });
    }

    /**
     * Random faults on matching calls (puts by default): with probability {@code stormRate} the call fails without
     * applying, as 409 (a conditional conflict), 503 or 429; with probability {@code lostResponseRate} a put applies
     * but its answer is lost.
     */
    public FaultyObjectStore storms(double stormRate, double lostResponseRate) {
        this.stormRate = stormRate;
        this.lostResponseRate = lostResponseRate;
        return this;
    }

    public FaultyObjectStore stormTargets(Predicate<Call> targets) {
        this.stormTargets = targets;
        return this;
    }

    /** Stops every random fault and rule (to verify afterwards through the same store). */
    public void heal() {
        stormRate = 0;
        lostResponseRate = 0;
        rules.clear();
    }

    public static Predicate<Call> op(Op op, String keyContains) {
        return c -> c.op() == op && c.key().contains(keyContains);
    }

    private void beforeCall(Call call) {
        fire(call, false);
        if (stormRate > 0 && stormTargets.test(call)) {
            double r;
            synchronized (random) {
                r = random.nextDouble();
            }
            if (r < stormRate) {
                int kind = (int) (r / stormRate * 3);
                switch (kind) {
                    case 0 -> {
                        if (call.isPut()) {
                            throw new PreconditionFailedException(call.key(), "simulated 409 storm");
                        }
                        throw new ObjectStoreException("simulated 409 on " + call.op() + " " + call.key(), null);
                    }
                    case 1 -> throw new ObjectStoreException("simulated 503 on " + call.op() + " " + call.key(), null);
                    default -> throw new ObjectStoreException("simulated 429 on " + call.op() + " " + call.key(), null);
                }
            }
        }
    }

    private void afterCall(Call call) {
        fire(call, true);
        if (lostResponseRate > 0 && call.isPut() && stormTargets.test(call)) {
            boolean lose;
            synchronized (random) {
                lose = random.nextDouble() < lostResponseRate;
            }
            if (lose) {
                throw new ObjectStoreException("simulated lost response after " + call.op() + " " + call.key(), null);
            }
        }
    }

    private void fire(Call call, boolean after) {
        for (Rule rule : rules) {
            if (rule.after() == after && rule.when().test(call)) {
                synchronized (rule.remaining()) {
                    if (rule.remaining()[0] <= 0) {
                        continue;
                    }
                    rule.remaining()[0]--;
                }
                rule.hook().run(call);
            }
        }
    }

    @Override
    public Optional<StoredObject> get(String key) {
        Call c = new Call(Op.GET, key);
        beforeCall(c);
        Optional<StoredObject> r = delegate.get(key);
        afterCall(c);
        return r;
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        Call c = new Call(Op.GET_RANGE, key);
        beforeCall(c);
        byte[] r = delegate.getRange(key, offset, length);
        afterCall(c);
        return r;
    }

    @Override
    public String putIfAbsent(String key, byte[] bytes) {
        Call c = new Call(Op.PUT_IF_ABSENT, key);
        beforeCall(c);
        String r = delegate.putIfAbsent(key, bytes);
        afterCall(c);
        return r;
    }

    @Override
    public String putIfMatch(String key, byte[] bytes, String expectedEtag) {
        Call c = new Call(Op.PUT_IF_MATCH, key);
        beforeCall(c);
        String r = delegate.putIfMatch(key, bytes, expectedEtag);
        afterCall(c);
        return r;
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        Call c = new Call(Op.LIST, prefix);
        beforeCall(c);
        List<ObjectInfo> r = delegate.list(prefix);
        afterCall(c);
        return r;
    }

    @Override
    public List<ObjectInfo> list(String prefix, String startAfter, int limit) {
        Call c = new Call(Op.LIST, prefix);
        beforeCall(c);
        List<ObjectInfo> r = delegate.list(prefix, startAfter, limit);
        afterCall(c);
        return r;
    }

    @Override
    public void delete(String key) {
        Call c = new Call(Op.DELETE, key);
        beforeCall(c);
        delegate.delete(key);
        afterCall(c);
    }

    @Override
    public String describe() {
        return "faulty(" + delegate.describe() + ")";
    }
}
