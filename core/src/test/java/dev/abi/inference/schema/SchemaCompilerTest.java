package dev.abi.inference.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the supported subset of JSON Schema is, and how anything outside it is refused by name. */
class SchemaCompilerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {
                "{'type':'object','properties':{'a':{'type':'string','pattern':'^x'}}} => properties.a.pattern",
                "{'type':'object','properties':{'a':{'$ref':'#/$defs/x'}}} => properties.a.$ref",
                "{'type':'object','properties':{'a':{'$ref':'#/properties/b'}}} => properties.a.$ref",
                "{'type':'object','properties':{'a':{'$ref':'#/$defs/A'}},'$defs':{'A':{'type':'string','format':'x'}}} => $defs.A.format",
                "{'type':'object','properties':{'a':{'$ref':'#/$defs/A'}},'$defs':{'A':{'type':'object','properties':{'n':{'$ref':'#/$defs/A'}}}}} => $defs.A.properties.n.$ref",
                "{'type':'object','properties':{'a':{'$ref':'#/$defs/A','type':'string'}},'$defs':{'A':{'type':'string'}}} => properties.a.type",
                "{'type':'object','properties':{'a':{'oneOf':[{'type':'string'}]}}} => properties.a.oneOf",
                "{'type':'object','properties':{'a':{'anyOf':[{'type':'object'},{'type':'object'}]}}} => properties.a.anyOf.1",
                "{'type':'object','properties':{'a':{'anyOf':[{'type':'integer'},{'enum':[1,'x']}]}}} => properties.a.anyOf.1",
                "{'type':'object','properties':{'a':{'anyOf':[]}}} => properties.a.anyOf",
                "{'type':'object','properties':{'a':{'type':'string','format':'date'}}} => properties.a.format",
                "{'type':'object','properties':{'a':{'type':'integer','minimum':1}}} => properties.a.minimum",
                "{'type':'object','properties':{'a':{'type':'string','maxLength':3}}} => properties.a.maxLength",
                "{'type':'object','additionalProperties':true} => additionalProperties",
                "{'type':'object','additionalProperties':{'type':'string'}} => additionalProperties",
                "{'type':'array','items':{'type':'string'}} => type",
                "{'type':'string'} => type",
                "{'type':'object','properties':{'a':{'type':'array'}}} => properties.a.items",
                "{'type':'object','properties':{'a':{'type':'date'}}} => properties.a.type",
                "{'type':'object','properties':{'a':{}}} => properties.a.type",
                "{'type':'object','properties':{'a':{'type':'array','items':{'type':'string'},'minItems':3,'maxItems':2}}} => properties.a.maxItems",
                "{'type':'object','properties':{'a':{'type':'array','items':{'type':'string'},'minItems':-1}}} => properties.a.minItems",
                "{'type':'object','properties':{'a':{'enum':[]}}} => properties.a.enum",
                "{'type':'object','properties':{'a':{'type':'string'}},'required':['b']} => required"
            })
    void anythingOutsideTheSubsetIsRefusedNamingItsKeyword(String schema, String path) throws Exception {
        UnsupportedSchemaException e = assertThrows(
                UnsupportedSchemaException.class,
                () -> SchemaCompiler.compile(JSON.readTree(schema.replace('\'', '"')), false));
        assertEquals(path, e.path(), e.getMessage());
    }

    @Test
    void strictNeedsEveryPropertyRequiredAndAdditionalPropertiesFalse() throws Exception {
        String open = "{'type':'object','properties':{'a':{'type':'string'}},'required':['a']}";
        assertEquals(
                "additionalProperties",
                assertThrows(
                                UnsupportedSchemaException.class,
                                () -> SchemaCompiler.compile(JSON.readTree(open.replace('\'', '"')), true))
                        .path());
        String partial = "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},"
                + "'required':['a'],'additionalProperties':false}";
        UnsupportedSchemaException e = assertThrows(
                UnsupportedSchemaException.class,
                () -> SchemaCompiler.compile(JSON.readTree(partial.replace('\'', '"')), true));
        assertEquals("required", e.path());
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
        // the same schemas are fine without strict
        SchemaCompiler.compile(JSON.readTree(open.replace('\'', '"')), false);
        SchemaCompiler.compile(JSON.readTree(partial.replace('\'', '"')), false);
    }

    @Test
    void propertiesKeepSchemaOrderAndTypeArraysBecomeUnions() throws Exception {
        SchemaNode.ObjectNode o = (SchemaNode.ObjectNode) SchemaCompiler.compile(JSON.readTree("""
                {"type":"object","properties":{"z":{"type":["integer","number","null"]},"a":{"enum":["x",1]},
                 "q\\"":{"type":"boolean","description":"ignored"}},
                 "required":["z","a","q\\""],"additionalProperties":false,"title":"t"}"""), true);
        assertEquals(
                List.of("z", "a", "q\""),
                o.properties().stream().map(SchemaNode.Property::name).toList());
        assertEquals("\"q\\\"\"", o.properties().get(2).key(), "the key as written in JSON");
        SchemaNode.UnionNode z = assertInstanceOf(
                SchemaNode.UnionNode.class, o.properties().get(0).value());
        assertEquals(
                List.of(new SchemaNode.NumberNode(false), new SchemaNode.LiteralNode(List.of("null"))),
                z.options(),
                "integer folded into number");
        assertEquals(
                new SchemaNode.LiteralNode(List.of("\"x\"", "1")),
                o.properties().get(1).value());
    }

    @Test
    void refsToDefsAndAnyOfOfAlternativesThatStartDifferentlyCompile() throws Exception {
        SchemaNode.ObjectNode o = (SchemaNode.ObjectNode) SchemaCompiler.compile(JSON.readTree("""
                {"type":"object","properties":{
                  "pet":{"$ref":"#/$defs/Pet","description":"annotations may sit beside"},
                  "nick":{"anyOf":[{"type":"string"},{"type":"null"}]},
                  "n":{"anyOf":[{"type":"integer"},{"enum":["many","few"]},{"type":["array","boolean"],"items":{"type":"integer"}}]}},
                 "required":["pet","nick","n"],"additionalProperties":false,
                 "$defs":{"Pet":{"type":"object","properties":{"kind":{"$ref":"#/definitions/Kind"}},"required":["kind"],
                                 "additionalProperties":false}},
                 "definitions":{"Kind":{"enum":["cat","dog"]}}}"""), true);
        SchemaNode.ObjectNode pet = assertInstanceOf(
                SchemaNode.ObjectNode.class, o.properties().get(0).value());
        assertEquals(
                new SchemaNode.LiteralNode(List.of("\"cat\"", "\"dog\"")),
                pet.properties().get(0).value());
        assertEquals(
                List.of(new SchemaNode.StringNode(), new SchemaNode.LiteralNode(List.of("null"))),
                assertInstanceOf(
                                SchemaNode.UnionNode.class,
                                o.properties().get(1).value())
                        .options());
        assertEquals(
                4,
                assertInstanceOf(
                                SchemaNode.UnionNode.class,
                                o.properties().get(2).value())
                        .options()
                        .size(),
                "unions flattened");
    }

    @Test
    void deepOrHugeSchemasAreRefused() throws Exception {
        String deep =
                "{\"type\":\"object\",\"properties\":{\"a\":".repeat(20) + "{\"type\":\"string\"}" + "}}".repeat(20);
        assertThrows(UnsupportedSchemaException.class, () -> SchemaCompiler.compile(JSON.readTree(deep), false));
        String huge = "{'type':'object','properties':{'a':{'type':'array','minItems':1000,'items':{'type':'array',"
                + "'minItems':1000,'items':{'type':'string'}}}},'required':['a']}";
        UnsupportedSchemaException e = assertThrows(
                UnsupportedSchemaException.class,
                () -> SchemaCompiler.compile(JSON.readTree(huge.replace('\'', '"')), false));
        assertEquals("properties.a", e.path());
    }
}
