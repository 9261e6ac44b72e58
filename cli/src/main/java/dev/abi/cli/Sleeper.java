package dev.abi.cli;

import java.time.Duration;

/** Waits between retries; tests replace it with one that only records the waits. */
@FunctionalInterface
public interface Sleeper {

    /** The real one. */
    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
