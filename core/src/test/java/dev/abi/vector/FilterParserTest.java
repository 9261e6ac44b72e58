package dev.abi.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterParserTest {

    private static final Map<String, Object> DOC =
            Map.of("lang", "en", "year", 2024L, "tags", List.of("a", "b"), "draft", false, "score", 0.5);

    private static boolean matches(Map<String, Object> filter) {
        return FilterParser.parse(filter).matches(DOC);
    }

    @Test
    void equalityAndSets() {
        assertTrue(matches(Map.of("lang", "en")));
        assertFalse(matches(Map.of("lang", "fr")));
        assertTrue(matches(Map.of("year", 2024.0)), "numbers compare by value");
        assertTrue(matches(Map.of("tags", "b")), "array attribute matches any element");
        assertTrue(matches(Map.of("lang", Map.of("$in", List.of("fr", "en")))));
        assertFalse(matches(Map.of("tags", Map.of("$nin", List.of("b")))));
        assertTrue(matches(Map.of("lang", Map.of("$ne", "fr"))));
        assertTrue(matches(Map.of("missing", Map.of("$ne", "x"))));
    }

    @Test
    void comparisonsExistenceAndLogic() {
        assertTrue(matches(Map.of("year", Map.of("$gte", 2024, "$lt", 2025))));
        assertFalse(matches(Map.of("year", Map.of("$gt", 2024))));
        assertTrue(matches(Map.of("lang", Map.of("$lt", "fr"))));
        assertFalse(matches(Map.of("lang", Map.of("$gt", 1))), "string vs number never matches");
        assertTrue(matches(Map.of("draft", Map.of("$exists", true))));
        assertTrue(matches(Map.of("nope", Map.of("$exists", false))));
        assertTrue(matches(Map.of("$or", List.of(Map.of("lang", "fr"), Map.of("score", Map.of("$lte", 0.5))))));
        assertFalse(matches(Map.of("$and", List.of(Map.of("lang", "en"), Map.of("draft", true)))));
        assertTrue(matches(Map.of("$not", Map.of("lang", "fr"))));
    }

    @Test
    void invalidFiltersNameTheField() {
        InvalidFilterException e = assertThrows(
                InvalidFilterException.class,
                () -> FilterParser.parse(Map.of("year", Map.of("$between", List.of(1, 2)))));
        assertEquals("filter.year.$between", e.field());
        assertEquals(
                "filter.$and",
                assertThrows(InvalidFilterException.class, () -> FilterParser.parse(Map.of("$and", List.of())))
                        .field());
        assertEquals(
                "filter.$nor",
                assertThrows(InvalidFilterException.class, () -> FilterParser.parse(Map.of("$nor", List.of())))
                        .field());
        assertEquals(
                "filter.lang.$in",
                assertThrows(
                                InvalidFilterException.class,
                                () -> FilterParser.parse(Map.of("lang", Map.of("$in", "en"))))
                        .field());
        assertEquals(
                "filter.$or[0]",
                assertThrows(InvalidFilterException.class, () -> FilterParser.parse(Map.of("$or", List.of("x"))))
                        .field());
    }
}
