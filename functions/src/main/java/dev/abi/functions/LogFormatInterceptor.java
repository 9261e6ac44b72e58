package dev.abi.functions;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * {@code abi.log.format=json} turns Quarkus' JSON console format on ({@code quarkus.log.console.json.enabled}): one
 * JSON object per log line, with the MDC (the request id) as a field and a stack trace inside its event. Plain text
 * ({@code abi.log.format=text}, the default) otherwise. An explicit {@code quarkus.log.console.json.enabled} wins.
 *
 * <p>Registered through {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}.
 */
@Priority(Priorities.APPLICATION)
public final class LogFormatInterceptor implements ConfigSourceInterceptor {

    static final String JSON_ENABLED = "quarkus.log.console.json.enabled";
    static final String FORMAT = "abi.log.format";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!JSON_ENABLED.equals(name)
                || (value != null && value.getValue() != null && value.getConfigSourceOrdinal() > 0)) {
            return value;
        }
        ConfigValue format = context.proceed(FORMAT);
        String json = Boolean.toString(isJson(format == null ? null : format.getValue()));
        ConfigValue.ConfigValueBuilder chosen =
                value == null ? ConfigValue.builder().withName(name) : value.from();
        return chosen.withValue(json)
                .withConfigSourceName(LogFormatInterceptor.class.getSimpleName())
                .withConfigSourceOrdinal(Integer.MIN_VALUE)
                .build();
    }

    /**
     * Whether {@code abi.log.format} asks for JSON.
     *
     * @throws IllegalArgumentException for a format other than {@code json} or {@code text}
     */
    static boolean isJson(String format) {
        if (format == null || format.isBlank() || format.trim().equalsIgnoreCase("text")) {
            return false;
        }
        if (format.trim().equalsIgnoreCase("json")) {
            return true;
        }
        throw new IllegalArgumentException("abi.log.format must be json or text, not '" + format + "'");
    }
}
