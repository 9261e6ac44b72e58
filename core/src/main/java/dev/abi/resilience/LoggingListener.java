package dev.abi.resilience;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** The default {@link CircuitBreaker.Listener}: an opening is a WARNING, half-opening and closing are INFO. */
final class LoggingListener implements CircuitBreaker.Listener {

    static final Logger LOG = System.getLogger(CircuitBreaker.class.getName());
    static final LoggingListener INSTANCE = new LoggingListener();

    private LoggingListener() {}

    @Override
    public void onStateChange(String name, CircuitBreaker.State from, CircuitBreaker.State to) {
        Level level = to == CircuitBreaker.State.OPEN ? Level.WARNING : Level.INFO;
        LOG.log(level, "circuit breaker {0}: {1} -> {2}", name, from, to);
    }
}
