package dev.abi.functions;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * Chooses the interface the HTTP server listens on ({@code quarkus.http.host}) when nobody chose one: loopback
 * ({@value #LOOPBACK}) while authentication is off, so that an unauthenticated local server is not reachable from
 * the network, and every interface ({@value #ALL_INTERFACES}) with authentication on (the cloud packagings, where
 * the platform's front end must reach the server). A host set explicitly wins: {@code quarkus.http.host} from any
 * real config source (system property, environment, {@code application.properties}), else {@code abi.http.host}.
 * Quarkus's own built-in default for the host does not count as a choice.
 *
 * <p>Registered through {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}; it runs outside the
 * profile and expression interceptors, so {@code %prod.} values and {@code ${...}} expressions are seen resolved.
 */
@Priority(Priorities.APPLICATION)
public final class ListenHostInterceptor implements ConfigSourceInterceptor {

    static final String HOST = "quarkus.http.host";
    static final String ABI_HOST = "abi.http.host";
    static final String AUTH = "abi.auth.enabled";
    static final String LOOPBACK = "127.0.0.1";
    static final String ALL_INTERFACES = "0.0.0.0";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!HOST.equals(name) || isSet(value)) {
            return value;
        }
        ConfigValue abiHost = context.proceed(ABI_HOST);
        ConfigValue auth = context.proceed(AUTH);
        String host = resolve(
                isSet(abiHost) ? abiHost.getValue() : null, auth != null && Boolean.parseBoolean(auth.getValue()));
        ConfigValue.ConfigValueBuilder chosen =
                value == null ? ConfigValue.builder().withName(name) : value.from();
        return chosen.withValue(host)
                .withConfigSourceName(ListenHostInterceptor.class.getSimpleName())
                .withConfigSourceOrdinal(Integer.MIN_VALUE)
                .build();
    }

    /**
     * The host to listen on when {@code quarkus.http.host} is not set explicitly.
     *
     * @param abiHost     {@code abi.http.host}, or null when unset
     * @param authEnabled {@code abi.auth.enabled}
     */
    static String resolve(String abiHost, boolean authEnabled) {
        if (abiHost != null && !abiHost.isBlank()) {
            return abiHost.trim();
        }
        return authEnabled ? ALL_INTERFACES : LOOPBACK;
    }

    /** Whether a real config source gave the value; built-in defaults sit at negative ordinals. */
    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && value.getConfigSourceOrdinal() > 0;
    }
}
