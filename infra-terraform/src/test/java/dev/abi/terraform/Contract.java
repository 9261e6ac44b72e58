package dev.abi.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.abi.functions.MetadataStoreFactory;
import dev.abi.functions.ObjectStoreFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Check 4: the modules against the Java code, resolved from the built packages (see {@link Artifacts}) and the compiled
 * config mapping (see {@link AbiNames}), and the AWS module against the SAM template.
 */
final class Contract {

    static final String VECTOR_FLAG = "--add-modules=jdk.incubator.vector";

    /**
     * The function resources and the package their code comes from. A function (the functions app in an adapter's
     * package) reads the config mapping AbiConfig and needs the store settings; the GPU service (the gpu-container
     * image) reads only its own {@code @ConfigProperty} names, its namespaces from the folder ABI_DATA_DIR.
     */
    private record FunctionType(String type, Artifacts.Kind artifact, boolean function) {}

    private static final List<FunctionType> FUNCTION_TYPES = List.of(
            new FunctionType("aws_lambda_function", Artifacts.Kind.AWS, true),
            new FunctionType("google_cloudfunctions2_function", Artifacts.Kind.GCP, true),
            new FunctionType("azurerm_linux_function_app", Artifacts.Kind.AZURE, true),
            new FunctionType("google_cloud_run_v2_service", Artifacts.Kind.GPU, false),
            new FunctionType("azurerm_container_app", Artifacts.Kind.GPU, false));

    /**
     * What every function needs set: all three store factories take the bucket from abi.store.bucket and throw
     * without it, and abi.store.kind defaults to the local disk, which a function must not use.
     */
    static final List<String> REQUIRED = List.of("ABI_STORE_KIND", "ABI_STORE_BUCKET");

    private Contract() {}

    static List<String> check(TfModule m, Path repo) {
        List<String> problems = new ArrayList<>();
        List<Pattern> mapping = AbiNames.fromMapping();
        for (FunctionType ft : FUNCTION_TYPES) {
            for (TfModule.Block f : m.blocks("resource")) {
                if (f.type().equals(ft.type())) {
                    environment(problems, m, f, ft, mapping, repo);
                }
            }
        }
        for (TfModule example : m.examples()) {
            exampleEnvironment(problems, example, mapping, repo);
            examplePackages(problems, example);
        }
        retentionBackstop(problems, m);
        lambda(problems, m, repo);
        gcpEntryPoints(problems, m, repo);
        azureSubscriptions(problems, m, repo);
        return problems;
    }

    // ---- environment -------------------------------------------------------------------------------------------

    private static void environment(
            List<String> problems, TfModule m, TfModule.Block f, FunctionType ft, List<Pattern> mapping, Path repo) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        String shape = collectEnvironment(m, f, env);
        if (shape != null) {
            problems.add(f.where() + ": " + shape);
            return;
        }
        Set<ObjectStoreFactory> stores = new HashSet<>();
        Set<MetadataStoreFactory> metadata = new HashSet<>();
        Artifacts.Contents c = Artifacts.of(repo, ft.artifact());
        if (c.problem() != null) {
            problems.add(f.where() + ": " + c.problem());
            return;
        }
        Set<String> known = new TreeSet<>(c.abiNames());
        if (ft.function()) {
            factories(c.classes(), stores, metadata);
        }
        for (String name : env.keySet()) {
            if (!name.startsWith("ABI_") || known.contains(name)) {
                continue;
            }
            if (!ft.function()) {
                problems.add(f.where() + ": " + name + " is not an environment variable gpu-container reads"
                        + " (its @ConfigProperty and System.getenv names are " + known + ")");
            } else if (mapping.stream().noneMatch(p -> p.matcher(name).matches())) {
                problems.add(
                        f.where() + ": " + name + " is not an environment variable the code reads"
                                + " (not in the config mapping dev.abi.functions.AbiConfig, nor a @ConfigProperty or System.getenv name of the package)");
            }
        }
        String javaOptions = env.containsKey("JAVA_TOOL_OPTIONS")
                ? env.get("JAVA_TOOL_OPTIONS").asText()
                : "";
        if (!javaOptions.contains(VECTOR_FLAG)) {
            problems.add(f.where() + ": JAVA_TOOL_OPTIONS must carry " + VECTOR_FLAG
                    + " (without it the Vector API kernels fall back to scalar code)");
        }
        if (!ft.function()) {
            for (String flag : imageJavaOptions(repo)) {
                if (!List.of(javaOptions.split("\\s+")).contains(flag)) {
                    problems.add(f.where() + ": JAVA_TOOL_OPTIONS lacks " + flag + ", which the image sets ("
                            + DOCKERFILE + "): the service's value replaces the image's");
                }
            }
            dataDir(problems, m, f, env);
            return;
        }
        for (String required : REQUIRED) {
            if (mapping.stream().noneMatch(p -> p.matcher(required).matches())) {
                problems.add(
                        "the contract requires " + required + ", which AbiConfig no longer defines: update Contract");
            } else if (!env.containsKey(required)) {
                problems.add(f.where() + ": required " + required + " is not set");
            }
        }
        kind(
                problems,
                f,
                env.get("ABI_STORE_KIND"),
                "ABI_STORE_KIND",
                stores.stream().map(ObjectStoreFactory::kind));
        JsonNode metadataKind = env.get("ABI_METADATA_KIND");
        if (metadataKind != null) {
            List<String> kinds = new ArrayList<>(
                    metadata.stream().map(MetadataStoreFactory::kind).toList());
            kinds.add(new dev.abi.functions.ObjectMetadataStoreFactory().kind());
            kind(problems, f, metadataKind, "ABI_METADATA_KIND", kinds.stream());
            if (!metadataKind.asText().equals("object-store") && !env.containsKey("ABI_METADATA_TABLE")) {
                problems.add(f.where() + ": ABI_METADATA_KIND=" + metadataKind.asText() + " needs ABI_METADATA_TABLE");
            }
        }
    }

    static final String DOCKERFILE = "gpu-container/src/main/docker/Dockerfile.jvm";

    /** The flags of the gpu-container image's ENV JAVA_TOOL_OPTIONS="...", which a service-level value replaces. */
    static List<String> imageJavaOptions(Path repo) {
        try {
            Matcher env = Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"")
                    .matcher(Files.readString(repo.resolve(DOCKERFILE)));
            if (!env.find()) {
                throw new IllegalStateException(
                        DOCKERFILE + " no longer sets ENV JAVA_TOOL_OPTIONS=\"...\": update Contract");
            }
            return List.of(env.group(1).trim().split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The GPU service reads namespaces from the folder ABI_DATA_DIR: in a container, only a volume mount (the state
     * bucket's) fills it. So ABI_DATA_DIR is the mount path of one of the container's volume mounts, and a container
     * with a volume mount has ABI_DATA_DIR set.
     */
    private static void dataDir(List<String> problems, TfModule m, TfModule.Block f, Map<String, JsonNode> env) {
        Set<String> mounts = new TreeSet<>();
        for (JsonNode container : nested(f.body().path("template").path(0), "containers", "container")) {
            for (JsonNode mount : nested(container, "volume_mounts")) {
                mounts.add(
                        m.resolve(mount.get("mount_path")).map(JsonNode::asText).orElse("(unset)"));
            }
        }
        JsonNode dir = env.get("ABI_DATA_DIR");
        if (dir == null) {
            if (!mounts.isEmpty()) {
                problems.add(f.where() + ": volumes are mounted at " + mounts + " but ABI_DATA_DIR is not set:"
                        + " gpu-container serves no namespace (its query route answers 503)");
            }
            return;
        }
        String path = m.resolve(dir).map(JsonNode::asText).orElse(dir.asText());
        if (!mounts.contains(path)) {
            problems.add(f.where() + ": ABI_DATA_DIR=" + path + " is not the mount path of a volume of the container "
                    + mounts + ": gpu-container would find no namespaces there");
        }
    }

    /** The blocks so named in a body, those of dynamic blocks (their content) included. */
    private static List<JsonNode> nested(JsonNode body, String... names) {
        List<JsonNode> blocks = new ArrayList<>();
        for (String name : names) {
            body.path(name).forEach(blocks::add);
            body.path("dynamic").path(name).forEach(d -> d.path("content").forEach(blocks::add));
        }
        return blocks;
    }

    private static void kind(
            List<String> problems, TfModule.Block f, JsonNode value, String name, Stream<String> offered) {
        if (value == null) {
            return;
        }
        List<String> kinds = offered.toList();
        if (!kinds.contains(value.asText())) {
            problems.add(
                    f.where() + ": " + name + "=" + value.asText() + " is not a kind this package offers " + kinds);
        }
    }

    /** Instances of the store factories among the package's classes (loaded from this test's class path). */
    private static void factories(
            Set<String> classes, Set<ObjectStoreFactory> stores, Set<MetadataStoreFactory> metadata) {
        for (String c : classes) {
            if (!c.startsWith("dev.abi.") || !c.endsWith("Factory") || c.contains("$")) {
                continue;
            }
            try {
                Class<?> type = Class.forName(c, false, Contract.class.getClassLoader());
                if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
                    continue;
                }
                if (ObjectStoreFactory.class.isAssignableFrom(type)) {
                    stores.add(
                            (ObjectStoreFactory) type.getDeclaredConstructor().newInstance());
                } else if (MetadataStoreFactory.class.isAssignableFrom(type)) {
                    metadata.add(
                            (MetadataStoreFactory) type.getDeclaredConstructor().newInstance());
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalStateException("cannot load the factory " + c + " of the package", e);
            }
        }
    }

    /**
     * The function's environment as name -> value. It must be merge(var.environment, ..., local.X) with a local map
     * last (so a caller can't drop the required entries); each local argument must be a map literal. Cloud Run's env
     * blocks may instead name literal entries, or be a dynamic block over such a merge. Returns what is wrong, or null.
     */
    private static String collectEnvironment(TfModule m, TfModule.Block f, Map<String, JsonNode> env) {
        JsonNode b = f.body();
        JsonNode expression = switch (f.type()) {
            case "aws_lambda_function" -> b.path("environment").path(0).get("variables");
            case "google_cloudfunctions2_function" ->
                b.path("service_config").path(0).get("environment_variables");
            case "azurerm_linux_function_app" -> b.get("app_settings");
            default -> null;
        };
        if (f.type().equals("google_cloud_run_v2_service") || f.type().equals("azurerm_container_app")) {
            for (JsonNode container :
                    b.path("template").path(0).path(f.type().startsWith("google") ? "containers" : "container")) {
                for (JsonNode e : container.path("env")) {
                    env.put(e.path("name").asText(), e.path("value"));
                }
                JsonNode dynamic = container.path("dynamic").path("env").path(0).get("for_each");
                if (dynamic != null) {
                    expression = dynamic;
                }
            }
            if (expression == null) {
                return env.isEmpty() ? "no environment (env blocks or a dynamic \"env\" over merge(...))" : null;
            }
        }
        if (expression == null) {
            return "no environment: set it to merge(var.environment, local.required_environment)";
        }
        List<String> args = mergeArguments(expression.asText());
        if (args == null) {
            return "the environment must be merge(var.environment, local.<map>) with the required map last, not "
                    + expression;
        }
        String last = args.get(args.size() - 1);
        if (args.size() < 2 || !last.matches("local\\.[a-z0-9_]+")) {
            return "the last argument of merge(...) must be the local map of required entries, not " + last;
        }
        for (String arg : args) {
            String problem = entries(m, arg, env, 0);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** An example's module call passes only ABI_* names that some package reads to the module's environment. */
    private static void exampleEnvironment(List<String> problems, TfModule example, List<Pattern> mapping, Path repo) {
        Set<String> known = new TreeSet<>();
        for (Artifacts.Kind kind : Artifacts.Kind.values()) {
            known.addAll(Artifacts.of(repo, kind).abiNames());
        }
        for (TfModule.Block call : example.blocks("module")) {
            call.body().fields().forEachRemaining(arg -> {
                if (!arg.getKey().endsWith("environment") || !arg.getValue().isObject()) {
                    return;
                }
                arg.getValue().fieldNames().forEachRemaining(name -> {
                    if (name.startsWith("ABI_")
                            && !known.contains(name)
                            && mapping.stream().noneMatch(p -> p.matcher(name).matches())) {
                        problems.add(call.where() + ": " + arg.getKey() + " sets " + name
                                + ", which is not an environment variable the code reads");
                    }
                });
            });
        }
    }

    /** The modules' package inputs, and the package each must name: the one the build makes and this check reads. */
    private static final Map<String, Artifacts.Kind> PACKAGE_INPUTS = Map.of(
            "package_path", Artifacts.Kind.AWS,
            "function_source_zip", Artifacts.Kind.GCP,
            "app_package_zip", Artifacts.Kind.AZURE);

    /**
     * An example deploys the package the build makes, the one the checks above read: its package input is
     * "${path.module}/" and a path that leads from the example folder (infra-terraform/MODULE/examples/NAME) to it.
     */
    private static void examplePackages(List<String> problems, TfModule example) {
        Path repo = example.dir().toAbsolutePath().normalize();
        for (int i = 0; i < 4 && repo.getParent() != null; i++) {
            repo = repo.getParent();
        }
        for (TfModule.Block call : example.blocks("module")) {
            for (Map.Entry<String, Artifacts.Kind> input : PACKAGE_INPUTS.entrySet()) {
                JsonNode value = call.body().get(input.getKey());
                if (value == null) {
                    continue;
                }
                String text = value.asText();
                String prefix = "${path.module}/";
                String deployed = text.startsWith(prefix)
                        ? repo.relativize(example.dir()
                                        .toAbsolutePath()
                                        .resolve(text.substring(prefix.length()))
                                        .normalize())
                                .toString()
                                .replace('\\', '/')
                        : text;
                if (!deployed.equals(input.getValue().path)) {
                    problems.add(call.where() + ": " + input.getKey() + " deploys " + deployed + ", not "
                            + input.getValue().path
                            + " (the package ./mvnw package makes and the contract check reads)");
                }
            }
        }
    }

    /**
     * The entries an argument of merge(...) contributes: a local (a map literal, or itself a merge), an object
     * literal, or the object literals of a conditional (both branches count). Caller variables contribute nothing
     * the module can know.
     */
    private static String entries(TfModule m, String arg, Map<String, JsonNode> env, int depth) {
        if (depth > 8) {
            return "locals nest too deep at " + arg;
        }
        if (arg.matches("local\\.[a-z0-9_]+")) {
            JsonNode value = m.locals().get(arg.substring(6));
            if (value == null) {
                return arg + " is not defined in the module's locals";
            }
            if (value.isObject()) {
                value.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue()));
                return null;
            }
            String text = value.asText();
            List<String> inner = mergeArguments(text);
            if (inner != null) {
                for (String a : inner) {
                    String problem = entries(m, a, env, depth + 1);
                    if (problem != null) {
                        return problem;
                    }
                }
                return null;
            }
            return entries(m, text.startsWith("${") ? text.substring(2, text.length() - 1) : text, env, depth + 1);
        }
        // object literals anywhere in the argument (a literal itself, or the branches of a conditional)
        for (String literal : objectLiterals(arg)) {
            Hcl.get()
                    .parseText("x = " + literal)
                    .path("x")
                    .fields()
                    .forEachRemaining(e -> env.put(e.getKey(), e.getValue()));
        }
        return null;
    }

    /** The top-level arguments of "${merge(a, b, ...)}" or "merge(...)", or null when it is not a merge call. */
    static List<String> mergeArguments(String expression) {
        String e = expression.trim();
        if (e.startsWith("${") && e.endsWith("}")) {
            e = e.substring(2, e.length() - 1).trim();
        }
        if (!e.startsWith("merge(") || !e.endsWith(")")) {
            return null;
        }
        String inside = e.substring(6, e.length() - 1);
        List<String> args = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int from = 0;
        for (int i = 0; i < inside.length(); i++) {
            char c = inside.charAt(i);
            if (c == '"' && (i == 0 || inside.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && "({[".indexOf(c) >= 0) {
                depth++;
            } else if (!quoted && ")}]".indexOf(c) >= 0) {
                depth--;
                if (depth < 0) {
                    return null; // the merge(...) closed before the end: merge(a)[x] or similar
                }
            } else if (!quoted && depth == 0 && c == ',') {
                args.add(inside.substring(from, i).trim());
                from = i + 1;
            }
        }
        String tail = inside.substring(from).trim();
        if (!tail.isEmpty()) {
            args.add(tail);
        }
        return args;
    }

    /** The outermost {...} spans of an expression, skipping those inside strings. */
    private static List<String> objectLiterals(String expression) {
        List<String> literals = new ArrayList<>();
        int depth = 0;
        int from = -1;
        boolean quoted = false;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (c == '"' && (i == 0 || expression.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && c == '{') {
                if (depth++ == 0) {
                    from = i;
                }
            } else if (!quoted && c == '}' && depth > 0 && --depth == 0) {
                literals.add(expression.substring(from, i + 1));
            }
        }
        return literals;
    }

    // ---- AWS: handler, SnapStart, alias targets, SAM parity -----------------------------------------------------

    private static void lambda(List<String> problems, TfModule m, Path repo) {
        List<TfModule.Block> functions = m.blocks("resource").stream()
                .filter(b -> b.type().equals("aws_lambda_function"))
                .toList();
        if (functions.isEmpty()) {
            return;
        }
        Artifacts.Contents zip = Artifacts.of(repo, Artifacts.Kind.AWS);
        Hcl hcl = Hcl.get();
        for (TfModule.Block f : functions) {
            Optional<JsonNode> handler = m.resolve(f.body().get("handler"));
            if (handler.isEmpty() || handler.get().asText().startsWith("${")) {
                problems.add(f.where() + ": handler must be a literal (or a variable default) the check can resolve");
            } else if (zip.problem() == null) {
                String[] parts = handler.get().asText().split("::");
                String cls = parts[0];
                if (!zip.classes().contains(cls)) {
                    problems.add(f.where() + ": handler class " + cls + " is not in adapters-aws/target/function.zip");
                } else if (parts.length > 1 && !hasMethod(cls, parts[1])) {
                    problems.add(f.where() + ": handler class " + cls + " has no method " + parts[1]);
                }
            }
            if (f.body().has("snap_start") || f.body().path("dynamic").has("snap_start")) {
                boolean published = m.resolve(f.body().get("publish"))
                        .map(JsonNode::asBoolean)
                        .orElse(false);
                if (!published) {
                    problems.add(f.where() + ": SnapStart applies to published versions only: set publish = true");
                }
                boolean aliased = m.blocks("resource").stream()
                        .filter(a -> a.type().equals("aws_lambda_alias"))
                        .anyMatch(a -> hcl
                                .references(a.body().path("function_version").asText())
                                .stream()
                                .map(Contract::withoutIndexes)
                                .anyMatch(r -> r.equals("aws_lambda_function." + f.name() + ".version")));
                if (!aliased) {
                    problems.add(f.where() + ": SnapStart needs an aws_lambda_alias on aws_lambda_function." + f.name()
                            + ".version");
                }
            }
        }
        // every trigger and integration invokes an alias: a published (SnapStart) version, never $LATEST
        Map<String, List<String>> targets = Map.of(
                "aws_lambda_event_source_mapping", List.of("function_name"),
                "aws_apigatewayv2_integration", List.of("integration_uri"),
                "aws_lambda_function_url", List.of("qualifier"),
                "aws_lambda_permission", List.of("qualifier"));
        for (TfModule.Block b : m.blocks("resource")) {
            List<String> attrs = targets.get(b.type());
            if (attrs == null) {
                continue;
            }
            for (String attr : attrs) {
                String value = b.body().path(attr).asText();
                boolean alias = value.startsWith("${")
                        && hcl.references(value).stream().anyMatch(r -> r.startsWith("aws_lambda_alias."));
                if (value.contains("$LATEST") || !alias) {
                    problems.add(b.where() + ": " + attr + " must refer to an aws_lambda_alias, not "
                            + (value.isEmpty() ? "nothing ($LATEST)" : value));
                }
            }
        }
        samParity(problems, m, repo);
    }

    private static void samParity(List<String> problems, TfModule m, Path repo) {
        JsonNode sam;
        try {
            sam = new ObjectMapper(new YAMLFactory())
                    .readTree(repo.resolve("adapters-aws/deploy/template.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Hcl hcl = Hcl.get();
        // the Terraform function behind the HTTP integration, and the one behind the SQS mapping, through their alias
        Map<String, String> role = new LinkedHashMap<>();
        role.put("HttpApi", functionBehind(m, hcl, "aws_apigatewayv2_integration", "integration_uri"));
        role.put("SQS", functionBehind(m, hcl, "aws_lambda_event_source_mapping", "function_name"));
        sam.path("Resources").fields().forEachRemaining(r -> {
            JsonNode props = r.getValue().path("Properties");
            if (!r.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                return;
            }
            props.path("Events").fields().forEachRemaining(ev -> {
                String type = ev.getValue().path("Type").asText();
                String tf = role.get(type);
                if (tf == null) {
                    problems.add("SAM parity: no Terraform function behind a " + type + " trigger like " + r.getKey());
                    return;
                }
                TfModule.Block f = m.resource("aws_lambda_function", tf).orElseThrow();
                same(problems, m, f, "memory_size", props.path("MemorySize"), r.getKey());
                same(problems, m, f, "timeout", props.path("Timeout"), r.getKey());
                same(problems, m, f, "runtime", props.path("Runtime"), r.getKey());
                same(problems, m, f, "handler", props.path("Handler"), r.getKey());
                same(problems, m, f, "architectures", props.path("Architectures"), r.getKey());
                if (type.equals("SQS")) {
                    sqsParity(problems, m, ev.getValue().path("Properties"), f, sam);
                }
            });
        });
        storageParity(problems, m, sam);
    }

    private static void sqsParity(List<String> problems, TfModule m, JsonNode events, TfModule.Block f, JsonNode sam) {
        TfModule.Block mapping = m.blocks("resource").stream()
                .filter(b -> b.type().equals("aws_lambda_event_source_mapping"))
                .findFirst()
                .orElseThrow();
        same(problems, m, mapping, "batch_size", events.path("BatchSize"), "the SQS event");
        String responseTypes = String.valueOf(
                m.resolve(mapping.body().get("function_response_types")).orElse(null));
        for (JsonNode t : events.path("FunctionResponseTypes")) {
            if (!responseTypes.contains(t.asText())) {
                problems.add(mapping.where() + ": function_response_types lacks " + t.asText() + " (SAM template)");
            }
        }
        // S3 event types of the source bucket's notification
        Set<String> samEvents = new TreeSet<>();
        sam.path("Resources")
                .forEach(r -> r.path("Properties")
                        .path("NotificationConfiguration")
                        .path("QueueConfigurations")
                        .forEach(q -> samEvents.add(q.path("Event").asText())));
        Set<String> tfEvents = new TreeSet<>();
        m.blocks("resource").stream()
                .filter(b -> b.type().equals("aws_s3_bucket_notification"))
                .forEach(n -> n.body()
                        .path("queue")
                        .forEach(q ->
                                m.resolve(q.get("events")).ifPresent(ev -> ev.forEach(e -> tfEvents.add(e.asText())))));
        if (!tfEvents.containsAll(samEvents)) {
            problems.add("SAM parity: the source bucket notifies " + tfEvents + ", the SAM template " + samEvents);
        }
        // the visibility timeout covers six runs of the indexer (AWS's advice for SQS event sources)
        long timeout = number(m, f.body().get("timeout"));
        m.blocks("resource").stream()
                .filter(b -> b.type().equals("aws_sqs_queue"))
                .filter(q -> q.body().has("redrive_policy"))
                .forEach(q -> {
                    long visibility = q.body().has("visibility_timeout_seconds")
                            ? number(m, q.body().get("visibility_timeout_seconds"))
                            : 30; // SQS's default
                    if (timeout < 0 || visibility < 0) {
                        problems.add(q.where()
                                + ": cannot evaluate visibility_timeout_seconds against the indexer's timeout");
                    } else if (visibility < 6 * timeout) {
                        problems.add(q.where() + ": visibility_timeout_seconds " + visibility
                                + " is less than six times the indexer's timeout " + timeout);
                    }
                });
    }

    /** Whether the class (the same version is on this test's class path as in the zip) has a public method so named. */
    private static boolean hasMethod(String cls, String method) {
        try {
            return Arrays.stream(Class.forName(cls, false, Contract.class.getClassLoader())
                            .getMethods())
                    .anyMatch(x -> x.getName().equals(method));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(cls + " is in the zip but not on the test class path", e);
        }
    }

    /** aws_lambda_function.x.0.version (HCL's traversal of x[0].version) as aws_lambda_function.x.version. */
    static String withoutIndexes(String reference) {
        return reference.replaceAll("\\.(\\d+|\"[^\"]*\")(?=\\.|$)", "");
    }

    /** A number: a literal, var.x or local.x (through defaults), or a product of those such as 6 * var.timeout. */
    static long number(TfModule m, JsonNode value) {
        JsonNode v = m.resolve(value).orElse(null);
        if (v == null) {
            return -1;
        }
        if (v.isNumber()) {
            return v.asLong();
        }
        String text = v.asText().trim();
        if (text.startsWith("${") && text.endsWith("}")) {
            long product = 1;
            for (String factor : text.substring(2, text.length() - 1).split("\\*")) {
                String f = factor.trim();
                long n = f.matches("\\d+")
                        ? Long.parseLong(f)
                        : f.matches("(var|local)\\.[a-z0-9_]+")
                                ? number(m, new com.fasterxml.jackson.databind.node.TextNode("${" + f + "}"))
                                : -1;
                if (n < 0) {
                    return -1;
                }
                product *= n;
            }
            return product;
        }
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }

    private static String functionBehind(TfModule m, Hcl hcl, String type, String attr) {
        for (TfModule.Block b : m.blocks("resource")) {
            if (!b.type().equals(type)) {
                continue;
            }
            for (String ref : hcl.references(b.body().path(attr).asText())) {
                String[] parts = ref.split("\\.");
                if (parts[0].equals("aws_lambda_alias")) {
                    Optional<TfModule.Block> alias = m.resource("aws_lambda_alias", parts[1]);
                    if (alias.isPresent()) {
                        for (String r : hcl.references(
                                alias.get().body().path("function_name").asText())) {
                            if (r.startsWith("aws_lambda_function.")) {
                                return r.split("\\.")[1];
                            }
                        }
                    }
                } else if (parts[0].equals("aws_lambda_function")) {
                    return parts[1];
                }
            }
        }
        return null;
    }

    private static void same(
            List<String> problems, TfModule m, TfModule.Block b, String attr, JsonNode expected, String samName) {
        if (expected.isMissingNode()) {
            return;
        }
        String actual = m.resolve(b.body().get(attr)).map(Contract::text).orElse("(unset)");
        if (!actual.equals(text(expected))) {
            problems.add("SAM parity: " + b.where() + " " + attr + " = " + actual + ", the SAM template's " + samName
                    + " has " + text(expected));
        }
    }

    private static String text(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asText()));
            return String.join(",", items);
        }
        return value.asText();
    }

    /** The state bucket keeps noncurrent versions at least as long, and the table has the template's key and TTL. */
    private static void storageParity(List<String> problems, TfModule m, JsonNode sam) {
        sam.path("Resources").fields().forEachRemaining(r -> {
            JsonNode props = r.getValue().path("Properties");
            switch (r.getValue().path("Type").asText()) {
                case "AWS::S3::Bucket" ->
                    props.path("LifecycleConfiguration").path("Rules").forEach(rule -> {
                        long days = rule.path("NoncurrentVersionExpiration")
                                .path("NoncurrentDays")
                                .asLong(-1);
                        if (days < 0) {
                            return;
                        }
                        long longest = -1;
                        for (TfModule.Block lc : m.blocks("resource")) {
                            if (lc.type().equals("aws_s3_bucket_lifecycle_configuration")) {
                                for (JsonNode tfRule : lc.body().path("rule")) {
                                    longest = Math.max(
                                            longest,
                                            number(
                                                    m,
                                                    tfRule.path("noncurrent_version_expiration")
                                                            .path(0)
                                                            .get("noncurrent_days")));
                                }
                            }
                        }
                        if (longest < days) {
                            problems.add("SAM parity: noncurrent versions of the state bucket expire after " + longest
                                    + " days, the SAM template's " + r.getKey() + " keeps them " + days);
                        }
                    });
                case "AWS::DynamoDB::Table" -> {
                    List<TfModule.Block> tables = m.blocks("resource").stream()
                            .filter(b -> b.type().equals("aws_dynamodb_table"))
                            .toList();
                    if (tables.isEmpty()) {
                        problems.add("SAM parity: no aws_dynamodb_table like the SAM template's " + r.getKey());
                    }
                    for (TfModule.Block t : tables) {
                        for (JsonNode key : props.path("KeySchema")) {
                            if (key.path("KeyType").asText().equals("HASH")) {
                                same(problems, m, t, "hash_key", key.path("AttributeName"), r.getKey());
                            }
                        }
                        same(problems, m, t, "billing_mode", props.path("BillingMode"), r.getKey());
                        String ttl = t.body()
                                .path("ttl")
                                .path(0)
                                .path("attribute_name")
                                .asText("(unset)");
                        String want = props.path("TimeToLiveSpecification")
                                .path("AttributeName")
                                .asText();
                        if (!ttl.equals(want)) {
                            problems.add("SAM parity: " + t.where() + " ttl attribute_name = " + ttl
                                    + ", the SAM template's " + r.getKey() + " has " + want);
                        }
                    }
                }
                default -> {}
            }
        });
    }

    /**
     * Object versions kept by a bucket's lifecycle rules outlive what garbage collection may still need: the restore
     * window plus the grace period of NamespaceStore.Options.DEFAULTS (7 days and 1 hour today), read from the code.
     */
    private static void retentionBackstop(List<String> problems, TfModule m) {
        var defaults = dev.abi.namespace.NamespaceStore.Options.DEFAULTS;
        Duration needed = defaults.retention().plus(defaults.grace());
        for (TfModule.Block b : m.blocks("resource")) {
            List<JsonNode> days = new ArrayList<>();
            switch (b.type()) {
                case "aws_s3_bucket_lifecycle_configuration" ->
                    b.body()
                            .path("rule")
                            .forEach(r -> r.path("noncurrent_version_expiration")
                                    .forEach(e -> days.add(e.get("noncurrent_days"))));
                case "google_storage_bucket" ->
                    b.body()
                            .path("lifecycle_rule")
                            .forEach(r -> r.path("condition").forEach(c -> {
                                if (c.has("days_since_noncurrent_time")) {
                                    days.add(c.get("days_since_noncurrent_time"));
                                }
                            }));
                case "azurerm_storage_management_policy" ->
                    b.body()
                            .path("rule")
                            .forEach(r -> r.path("actions")
                                    .forEach(a -> a.path("version").forEach(v -> {
                                        if (v.has("delete_after_days_since_creation")) {
                                            days.add(v.get("delete_after_days_since_creation"));
                                        }
                                    })));
                default -> {}
            }
            for (JsonNode d : days) {
                long n = number(m, d);
                if (n < 0) {
                    problems.add(b.where() + ": cannot evaluate the noncurrent-version expiry " + d);
                } else if (Duration.ofDays(n).compareTo(needed) <= 0) {
                    problems.add(b.where() + ": noncurrent versions expire after " + n + " days, within GC's retention"
                            + " plus grace (" + needed
                            + ", NamespaceStore.Options.DEFAULTS): a restore could miss them");
                }
            }
        }
    }

    // ---- GCP and Azure ------------------------------------------------------------------------------------------

    private static void gcpEntryPoints(List<String> problems, TfModule m, Path repo) {
        for (TfModule.Block f : m.blocks("resource")) {
            if (!f.type().equals("google_cloudfunctions2_function")) {
                continue;
            }
            Artifacts.Contents jar = Artifacts.of(repo, Artifacts.Kind.GCP);
            Optional<JsonNode> entry =
                    m.resolve(f.body().path("build_config").path(0).get("entry_point"));
            if (jar.problem() != null) {
                problems.add(f.where() + ": " + jar.problem());
            } else if (entry.isEmpty() || !jar.classes().contains(entry.get().asText())) {
                problems.add(f.where() + ": entry point "
                        + entry.map(JsonNode::asText).orElse("(unset)")
                        + " is not a class of the jar in adapters-gcp/target/function-source.zip");
            }
        }
    }

    private static final Pattern FUNCTION_NAME = Pattern.compile("(?:/functions/|functionName=)([A-Za-z0-9_-]+)");

    private static void azureSubscriptions(List<String> problems, TfModule m, Path repo) {
        for (TfModule.Block s : m.blocks("resource")) {
            if (!s.type().startsWith("azurerm_eventgrid") || !s.type().endsWith("event_subscription")) {
                continue;
            }
            Artifacts.Contents app = Artifacts.of(repo, Artifacts.Kind.AZURE);
            if (app.problem() != null) {
                problems.add(s.where() + ": " + app.problem());
                continue;
            }
            Matcher name = FUNCTION_NAME.matcher(s.body().toString());
            if (!name.find()) {
                problems.add(s.where() + ": names no function (…/functions/<name> or functionName=<name>)");
                continue;
            }
            JsonNode function = app.functionJson().get(name.group(1));
            boolean eventGrid = function != null
                    && function.path("bindings").findValuesAsText("type").contains("eventGridTrigger");
            if (!eventGrid) {
                problems.add(s.where() + ": function " + name.group(1) + " has no generated function.json with an"
                        + " eventGridTrigger binding in adapters-azure/target/app-package.zip");
            }
        }
    }
}
