package dev.abi.terraform;

import dev.abi.functions.AbiConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The environment variable names the config mapping {@link AbiConfig} reads, derived from the compiled interface the
 * way SmallRye Config names them: the prefix, then each method's {@code @WithName} or its name in kebab case, nested
 * groups joined with dots; a {@code Map} member takes any key. abi.store.bucket is ABI_STORE_BUCKET.
 */
final class AbiNames {

    private AbiNames() {}

    /** One pattern per leaf property, for example ABI_STORE_BUCKET or ABI_MODELS_[A-Z0-9_]+_SHA256. */
    static List<Pattern> fromMapping() {
        String prefix = AbiConfig.class.getAnnotation(ConfigMapping.class).prefix();
        List<String> properties = new ArrayList<>();
        walk(AbiConfig.class, prefix, properties);
        return properties.stream()
                .map(p -> Pattern.compile(
                        p.replace(".", "_").replace("-", "_").toUpperCase().replace("<KEY>", "[A-Z0-9_]+")))
                .toList();
    }

    private static void walk(Class<?> group, String prefix, List<String> out) {
        for (Method m : group.getMethods()) {
            if (m.getParameterCount() != 0 || m.isDefault() || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            WithName named = m.getAnnotation(WithName.class);
            String name = prefix + "." + (named != null ? named.value() : kebab(m.getName()));
            Type type = m.getGenericReturnType();
            Class<?> raw = m.getReturnType();
            if (raw == Map.class
                    && type instanceof ParameterizedType p
                    && p.getActualTypeArguments()[1] instanceof Class<?> value
                    && isGroup(value)) {
                walk(value, name + ".<key>", out);
            } else if (raw == Map.class) {
                out.add(name + ".<key>");
            } else if (isGroup(raw)) {
                walk(raw, name, out);
            } else {
                out.add(name);
            }
        }
    }

    private static boolean isGroup(Class<?> c) {
        return c.isInterface() && c.getName().startsWith("dev.abi.");
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
