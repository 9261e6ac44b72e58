package dev.abi.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.namespace.Consistency;
import dev.abi.namespace.ReadPolicy;
import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code abi.read.*} into the {@link ReadPolicy} of the namespace service; a bad value stops the start naming it. */
class ReadPolicyConfigTest {

    private static AbiConfig.Read read(String consistency, String maxStaleness, String fullCheckEvery) {
        return new AbiConfig.Read() {
            @Override
            public String consistency() {
                return consistency;
            }

            @Override
            public Duration maxStaleness() {
                return DurationConverter.parseDuration(maxStaleness);
            }

            @Override
            public Duration fullCheckEvery() {
                return DurationConverter.parseDuration(fullCheckEvery);
            }
        };
    }

    @Test
    void theDefaultsAreStrongAQuarterSecondAndAMinute() {
        ReadPolicy p = CoreBeans.readPolicy(read("strong", "250ms", "60s"));
        assertEquals(ReadPolicy.DEFAULTS, p);
        assertEquals(Duration.ofMillis(250), p.maxStaleness());
    }

    @Test
    void eventualAndOtherBoundsAreTaken() {
        ReadPolicy p = CoreBeans.readPolicy(read("eventual", "2s", "5m"));
        assertEquals(Consistency.EVENTUAL, p.consistency());
        assertEquals(Duration.ofSeconds(2), p.maxStaleness());
        assertEquals(Duration.ofMinutes(5), p.fullCheckEvery());
    }

    @Test
    void aBadConsistencyStopsTheStartNamingTheProperty() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> CoreBeans.readPolicy(read("linearizable", "250ms", "60s")));
        assertTrue(
                e.getMessage().contains("abi.read.consistency")
                        && e.getMessage().contains("eventual"),
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> CoreBeans.readPolicy(read("strong", "-1s", "60s")));
    }
}
