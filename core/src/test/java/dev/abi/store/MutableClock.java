package dev.abi.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand, shared by a store and its writers; each view may be skewed by a fixed offset. */
public final class MutableClock extends Clock {

    private final AtomicLong millis;
    private final long skew;

    public MutableClock(long startMillis) {
        this(new AtomicLong(startMillis), 0);
    }

    private MutableClock(AtomicLong millis, long skew) {
        this.millis = millis;
        this.skew = skew;
    }

    /** The same time line, read {@code skew} off (a machine whose clock is wrong). */
    public MutableClock skewed(Duration skew) {
        return new MutableClock(millis, skew.toMillis());
    }

    public void advance(Duration d) {
        millis.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
        return millis.get() + skew;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
