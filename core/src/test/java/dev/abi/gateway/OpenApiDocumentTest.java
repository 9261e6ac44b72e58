package dev.abi.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.abi.documents.Chunker;
import dev.abi.documents.DocumentIndex;
import dev.abi.events.ObjectIndexer;
import dev.abi.gateway.auth.ApiKeys;
import dev.abi.gateway.auth.Authenticator;
import dev.abi.inference.ModelRegistry;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.InMemoryObjectStore;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document: parsed by a real OpenAPI 3.1 parser without messages, its operations the same set as
 * the routes of a gateway with every feature configured (both ways), each operation's auth as the route's role, and
 * every example body valid against its own schema (JSON Schema 2020-12, as OpenAPI 3.1 defines schemas).
 */
class OpenApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Gateway gateway;
    private static String text;
    private static OpenAPI parsed;

    @BeforeAll
    static void load() {
        InMemoryObjectStore objects = new InMemoryObjectStore();
        NamespaceService namespaces = new NamespaceService(new NamespaceStore(objects));
        // every feature configured: documents and models (neither is called here), keys, object events
        gateway = Gateway.builder(namespaces)
                .documents(new DocumentIndex(
                        namespaces,
                        model -> {
                            throw new IllegalStateException("not called");
                        },
                        "none",
                        new Chunker.Options(16, 2),
                        DocumentIndex.Limits.defaults()))
                .models(new ModelRegistry(Map.of()))
                .security(new GatewaySecurity(
                        new Authenticator(false, null, new ApiKeys(objects, Clock.systemUTC()), null),
                        null,
                        null,
                        null))
                .objectIndexer(
                        ObjectIndexer.builder(bucket -> objects, namespaces).build())
                .build();
        HttpResponse served = gateway.handle(new HttpRequest("GET", "/v1/openapi.json", Map.of(), Map.of(), null));
        assertEquals(200, served.status(), served.bodyText());
        text = new String(served.body(), StandardCharsets.UTF_8);
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
        assertTrue(result.getMessages() == null || result.getMessages().isEmpty(), "parser: " + result.getMessages());
        parsed = result.getOpenAPI();
    }

    @Test
    void isOpenApi31() {
        assertTrue(parsed.getOpenapi().startsWith("3.1."), parsed.getOpenapi());
    }

    @Test
    void documentsExactlyTheRoutesOfTheGateway() {
        Set<String> routes = new TreeSet<>();
        for (Router.RouteInfo r : gateway.routes()) {
            routes.add(r.method() + " " + r.pattern());
        }
        Set<String> documented = new TreeSet<>();
        parsed.getPaths()
                .forEach((path, item) ->
                        item.readOperationsMap().keySet().forEach(m -> documented.add(m.name() + " " + path)));
        Set<String> undocumented = new TreeSet<>(routes);
        undocumented.removeAll(documented);
        Set<String> unrouted = new TreeSet<>(documented);
        unrouted.removeAll(routes);
        assertEquals(Set.of(), undocumented, "routes the document lacks");
        assertEquals(Set.of(), unrouted, "documented operations no route serves");
    }

    @Test
    void eachOperationNeedsAuthExactlyWhenItsRouteNeedsARoleAndNamesThatRole() {
        for (Router.RouteInfo r : gateway.routes()) {
            String where = r.method() + " " + r.pattern();
            PathItem item = parsed.getPaths().get(r.pattern());
            assertNotNull(item, where + " is documented");
            Operation op = item.readOperationsMap().get(PathItem.HttpMethod.valueOf(r.method()));
            assertNotNull(op, where + " is documented");
            if (r.role() == null) {
                assertTrue(op.getSecurity() != null && op.getSecurity().isEmpty(), where + " is public");
                assertNull(
                        op.getExtensions() == null ? null : op.getExtensions().get("x-abi-role"), where);
            } else {
                assertEquals(r.role().wireName(), op.getExtensions().get("x-abi-role"), where);
            }
        }
    }

    @Test
    void everyExampleValidatesAgainstItsOwnSchema() throws Exception {
        JsonNode doc = JSON.readTree(text);
        List<String> checked = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        walk(doc, "", doc.get("components"), checked, failures);
        assertTrue(checked.size() >= 40, "examples checked: " + checked);
        assertEquals(List.of(), failures);
    }

    @Test
    void aWrongExampleIsCaught() throws Exception {
        JsonNode components = JSON.readTree(text).get("components");
        List<String> failures = new ArrayList<>();
        check(
                JSON.readTree("{\"$ref\":\"#/components/schemas/UpsertRequest\"}"),
                JSON.readTree("{\"vectors\":[{\"id\":\"a\",\"values\":\"not an array\"}]}"),
                components,
                "planted",
                new ArrayList<>(),
                failures);
        assertEquals(1, failures.size(), failures.toString());
    }

    @Test
    void isServedWithoutAuthWhenAuthIsOn() {
        InMemoryObjectStore objects = new InMemoryObjectStore();
        Gateway locked = Gateway.builder(new NamespaceService(new NamespaceStore(objects)))
                .security(new GatewaySecurity(
                        new Authenticator(true, "admin-key-for-tests", new ApiKeys(objects, Clock.systemUTC()), null),
                        null,
                        null,
                        null))
                .build();
        assertEquals(
                401,
                locked.handle(new HttpRequest("GET", "/v1/namespaces", Map.of(), Map.of(), null))
                        .status());
        HttpResponse doc = locked.handle(new HttpRequest("GET", "/v1/openapi.json", Map.of(), Map.of(), null));
        assertEquals(200, doc.status(), doc.bodyText());
        assertEquals(text, doc.bodyText());
    }

    /** Finds every media type object with a schema and an example, and checks the example. */
    private static void walk(
            JsonNode node, String path, JsonNode components, List<String> checked, List<String> failures) {
        if (node.isObject()) {
            if (node.has("schema") && node.has("example")) {
                check(node.get("schema"), node.get("example"), components, path, checked, failures);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                walk(e.getValue(), path + "/" + e.getKey(), components, checked, failures);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "/" + i, components, checked, failures);
            }
        }
    }

    private static void check(
            JsonNode schema,
            JsonNode example,
            JsonNode components,
            String path,
            List<String> checked,
            List<String> failures) {
        ObjectNode root = schema.deepCopy();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", components); // so that "#/components/schemas/X" resolves from this root
        JsonSchema compiled =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root);
        Set<ValidationMessage> errors = compiled.validate(example);
        checked.add(path);
        if (!errors.isEmpty()) {
            failures.add(path + ": " + errors);
        }
    }
}
