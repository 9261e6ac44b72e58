package dev.abi.inference.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The schema-constrained prefix recognizer behind structured outputs. */
class SchemaPrefixTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Nested objects and arrays, every scalar type, enum, const, a type union, an optional property. */
    static final String SCHEMA = """
            {"type":"object","properties":{
              "name":{"type":"string"},
              "age":{"type":"integer"},
              "score":{"type":"number"},
              "ok":{"type":"boolean"},
              "nothing":{"type":"null"},
              "color":{"enum":["red","green",12,1]},
              "kind":{"const":"pet"},
              "nick":{"type":["string","null"]},
              "tags":{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":2},
              "owner":{"type":"object","properties":{"id":{"type":"integer"},"note":{"type":"string"}},
                       "required":["id"],"additionalProperties":false}},
             "required":["name","age","score","ok","nothing","color","kind","nick","tags","owner"],
             "additionalProperties":false}""";

    private static final String VALID = "{\"name\":\"Tom \\\"T\\\" \\u00e9\",\"age\":-3,\"score\":2.5e-3,\"ok\":false,"
            + "\"nothing\":null,\"color\":12,\"kind\":\"pet\",\"nick\":null,\"tags\":[\"a\",\"b\"],"
            + "\"owner\":{\"id\":0}}";

    private static SchemaNode schema() throws Exception {
        return SchemaCompiler.compile(JSON.readTree(SCHEMA), false);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                VALID,
                "{\"name\":\"\",\"age\":0,\"score\":1,\"ok\":true,\"nothing\":null,\"color\":1,\"kind\":\"pet\",\"nick\":\"x\","
                        + "\"tags\":[\"\"],\"owner\":{\"id\":12,\"note\":\"n\"}}",
                "{\"name\":\"a\",\"age\":10,\"score\":-0.5,\"ok\":true,\"nothing\":null,\"color\":\"green\",\"kind\":\"pet\","
                        + "\"nick\":\"\",\"tags\":[\"x\"],\"owner\":{\"id\":-1}}"
            })
    void matchingTextsAreAcceptedAtEveryPrefixAndComplete(String text) throws Exception {
        SchemaPrefix p = SchemaPrefix.start(schema());
        for (int i = 0; i < text.length(); i++) {
            assertFalse(p.complete(), "complete too early at " + i);
            assertTrue(p.minToClose() <= text.length() - i, "minToClose is a lower bound at " + text.substring(0, i));
            p = p.accept(text.charAt(i));
            assertNotNull(p, "refused at " + i + ": " + text.substring(0, i + 1));
        }
        assertTrue(p.complete());
        assertEquals(0, p.minToClose());
        assertNull(p.accept('}'), "nothing follows a whole value");
        assertTrue(validates(text), text);
    }

    /** Planted mistakes: each is a valid prefix up to its last character, which the schema rules out. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                " ", // whitespace before the object
                "[", // root is an object
                "{\"a", // properties come in schema order: name first
                "{\"nam\"", // no such key
                "{\"name\" ", // no whitespace outside strings
                "{\"name\":1", // name is a string
                "{\"name\":\"a\"}", // required properties missing
                "{\"name\":\"a\",\"age\":1.", // an integer has no fraction
                "{\"name\":\"a\",\"age\":1e", // nor an exponent
                "{\"name\":\"a\",\"age\":01", // nor a leading zero
                "{\"name\":\"a\",\"age\":1,\"score\":-x",
                "{\"name\":\"a\",\"age\":1,\"score\":1,\"ok\":n", // a boolean
                "{\"name\":\"a\",\"age\":1,\"score\":1,\"ok\":true,\"nothing\":f",
                "{\"name\":\"a\",\"age\":1,\"score\":1,\"ok\":true,\"nothing\":null,\"color\":\"b", // not in the enum
                "{\"name\":\"a\",\"age\":1,\"score\":1,\"ok\":true,\"nothing\":null,\"color\":13",
                "{\"name\":\"a\",\"age\":1,\"score\":1,\"ok\":true,\"nothing\":null,\"color\":1,\"kind\":\"c", // not
                // the
                // const
                "{\"name\":\"a\",\"age\":1,\"score\":1,\"ok\":true,\"nothing\":null,\"color\":1,\"kind\":\"pet\",\"nick\":1",
                "{\"name\":\"a\",\"age\":1,\"score\":1,\"ok\":true,\"nothing\":null,\"color\":1,\"kind\":\"pet\",\"nick\":null,"
                        + "\"tags\":[]", // minItems 1
                "{\"name\":\"a\",\"age\":1,\"score\":1,\"ok\":true,\"nothing\":null,\"color\":1,\"kind\":\"pet\",\"nick\":null,"
                        + "\"tags\":[\"a\",\"b\",", // maxItems 2
                "{\"name\":\"a\",\"age\":1,\"score\":1,\"ok\":true,\"nothing\":null,\"color\":1,\"kind\":\"pet\",\"nick\":null,"
                        + "\"tags\":[\"a\"],\"owner\":{}", // owner.id required
                "{\"name\":\"a\",\"age\":1,\"score\":1,\"ok\":true,\"nothing\":null,\"color\":1,\"kind\":\"pet\",\"nick\":null,"
                        + "\"tags\":[\"a\"],\"owner\":{\"id\":1,\"x", // additional property
                "{\"name\":\"a\",\"age\":1,\"score\":1,\"ok\":true,\"nothing\":null,\"color\":1,\"kind\":\"pet\",\"nick\":null,"
                        + "\"tags\":[\"a\"],\"owner\":{\"id\":1},", // nothing after the last property
                "{\"name\":\"\n", // a raw control character in a string
                "{\"name\":\"\\x"
            }) // a bad escape
    void aMistakeIsRefusedAtItsLastCharacter(String text) throws Exception {
        SchemaPrefix p = SchemaPrefix.start(schema());
        SchemaPrefix before = p.acceptAll(text.substring(0, text.length() - 1));
        assertNotNull(before, "the text up to the mistake is a valid prefix: " + text);
        assertNull(before.accept(text.charAt(text.length() - 1)), text);
    }

    @Test
    void optionalPropertiesMayBeLeftOutButKeepTheirPlace() throws Exception {
        SchemaNode s = SchemaCompiler.compile(JSON.readTree("""
                {"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"},"c":{"type":"integer"}},
                 "required":["b"]}"""), false);
        assertNotNull(SchemaPrefix.start(s).acceptAll("{\"b\":1}"));
        assertTrue(SchemaPrefix.start(s).acceptAll("{\"a\":1,\"b\":2,\"c\":3}").complete());
        assertTrue(SchemaPrefix.start(s).acceptAll("{\"b\":2,\"c\":3}").complete());
        assertNull(SchemaPrefix.start(s).acceptAll("{\"c\":3"), "c cannot come before the required b");
        assertNull(SchemaPrefix.start(s).acceptAll("{\"b\":2,\"a\""), "a cannot come after b");
        assertNull(SchemaPrefix.start(s).acceptAll("{\"a\":1}"), "b is required");
        assertEquals(6, SchemaPrefix.start(s).acceptAll("{").minToClose(), "\"b\":0}");
    }

    @Test
    void minToCloseIsExactFromEveryPrefix() throws Exception {
        SchemaNode s = schema();
        for (int i = 0; i <= VALID.length(); i++) {
            SchemaPrefix p = SchemaPrefix.start(s).acceptAll(VALID.substring(0, i));
            int expected = p.minToClose();
            int steps = 0;
            while (!p.complete()) { // a character that brings the end one closer always exists
                p = closer(p);
                steps++;
            }
            assertEquals(expected, steps, "from " + VALID.substring(0, i));
        }
        assertEquals(schema().minLength(), SchemaPrefix.start(s).minToClose());
    }

    /**
     * Random texts written as the token constraint writes them, one character at a time from the allowed ones under
     * a budget: every one is whole and validates, whatever the budget (from the shortest possible up).
     */
    /** As Pydantic writes a model with a nested model and an optional field: {@code $defs}, {@code $ref}, anyOf. */
    static final String PYDANTIC = """
            {"type":"object","title":"Order","properties":{
              "id":{"type":"integer","title":"Id"},
              "customer":{"$ref":"#/$defs/Customer"},
              "lines":{"type":"array","items":{"$ref":"#/$defs/Line"},"maxItems":3,"title":"Lines"},
              "note":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}},
             "required":["id","customer","lines","note"],"additionalProperties":false,
             "$defs":{
               "Customer":{"type":"object","properties":{"name":{"type":"string"},"vip":{"type":"boolean"}},
                           "required":["name","vip"],"additionalProperties":false},
               "Line":{"type":"object","properties":{"sku":{"enum":["A-1","B-2"]},"qty":{"anyOf":[{"type":"integer"},
                       {"type":"null"}]}},"required":["sku","qty"],"additionalProperties":false}}}""";

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void randomWritersWithinABudgetAlwaysProduceValidatingJson(boolean pydantic) throws Exception {
        String schemaText = pydantic ? PYDANTIC : SCHEMA;
        SchemaNode s = SchemaCompiler.compile(JSON.readTree(schemaText), pydantic);
        int shortest = s.minLength();
        char[] alphabet = "{}[],:\"\\ -+.0123456789eEabcdefghijklmnopqrstuvwxyzTAB".toCharArray();
        for (int seed = 0; seed < 300; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int budget = shortest + random.nextInt(60);
            StringBuilder out = new StringBuilder();
            SchemaPrefix p = SchemaPrefix.start(s);
            while (!p.complete()) {
                int remaining = budget - out.length();
                List<Character> allowed = new ArrayList<>();
                for (char c : alphabet) {
                    SchemaPrefix next = p.accept(c);
                    if (next != null && remaining - 1 >= next.minToClose()) {
                        allowed.add(c);
                    }
                }
                assertFalse(allowed.isEmpty(), "stuck after " + out);
                char c = allowed.get(random.nextInt(allowed.size()));
                out.append(c);
                p = p.accept(c);
            }
            assertTrue(out.length() <= budget, out + " exceeds " + budget);
            assertTrue(validates(schemaText, out.toString()), out.toString());
        }
    }

    private static SchemaPrefix closer(SchemaPrefix p) {
        int target = p.minToClose() - 1;
        for (char c = 0x20; c < 0x7f; c++) {
            SchemaPrefix next = p.accept(c);
            if (next != null && next.minToClose() == target) {
                return next;
            }
        }
        throw new AssertionError("no character brings the end closer");
    }

    private static boolean validates(String text) throws Exception {
        return validates(SCHEMA, text);
    }

    private static boolean validates(String schema, String text) throws Exception {
        JsonNode instance = JSON.readTree(text);
        Set<ValidationMessage> errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(JSON.readTree(schema))
                .validate(instance);
        return errors.isEmpty();
    }
}
