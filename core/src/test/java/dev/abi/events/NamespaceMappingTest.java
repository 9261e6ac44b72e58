package dev.abi.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamespaceMappingTest {

    @Test
    void theDefaultTakesTheFirstFolder() {
        NamespaceMapping m = NamespaceMapping.byFolder();
        assertEquals(
                Optional.of(new NamespaceMapping.Target("docs", "guides/a b+c é.md")),
                m.map("any", "docs/guides/a b+c é.md"));
        assertEquals(Optional.empty(), m.map("any", "root.md"), "no folder");
        assertEquals(Optional.empty(), m.map("any", "bad name!/a.md"), "not a namespace name");
    }

    @Test
    void theMostSpecificRuleWins() {
        NamespaceMapping m = NamespaceMapping.parse("*={folder}, uploads=inbox, uploads/handbook/=handbook");
        assertEquals("handbook", m.map("uploads", "handbook/x.md").orElseThrow().namespace());
        assertEquals("x.md", m.map("uploads", "handbook/x.md").orElseThrow().documentPath());
        assertEquals("inbox", m.map("uploads", "other/x.md").orElseThrow().namespace());
        assertEquals("other/x.md", m.map("uploads", "other/x.md").orElseThrow().documentPath());
        assertEquals("other", m.map("elsewhere", "other/x.md").orElseThrow().namespace());
    }

    @Test
    void malformedRulesNameThemselves() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> NamespaceMapping.parse("uploads=bad name"));
        assertTrue(e.getMessage().contains("uploads=bad name"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NamespaceMapping.parse("uploads"));
        assertThrows(IllegalArgumentException.class, () -> NamespaceMapping.parse("=docs"));
        assertThrows(IllegalArgumentException.class, () -> NamespaceMapping.parse(" "));
    }
}
