package dev.abi.documents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each ingestion format, and the errors that name the file. */
class DocumentFormatsTest {

    private static List<Document> parse(String name, String content) {
        return DocumentFormats.parse(
                name, content.getBytes(StandardCharsets.UTF_8), DocumentFormats.Options.defaults());
    }

    @Test
    void textAndMarkdownAreOneDocumentNamedAfterTheFile() {
        List<Document> d = parse("guides/intro.md", "# Intro\n\nHello.");
        assertEquals(1, d.size());
        assertEquals("guides/intro.md", d.get(0).id());
        assertEquals("# Intro\n\nHello.", d.get(0).text());
        assertEquals(0, parse("empty.txt", "  \n").size());
        assertEquals("caf\u00e9", parse("bom.txt", "\uFEFFcaf\u00e9").get(0).text());
    }

    @Test
    void jsonlLinesCarryTextOrVectors() {
        List<Document> d = parse(
                "a.jsonl",
                "{\"id\":\"1\",\"text\":\"one\",\"attributes\":{\"lang\":\"en\"}}\n\n"
                        + "{\"id\":2,\"values\":[0.5,1]}\r\n");
        assertEquals(2, d.size());
        assertEquals("en", d.get(0).attributes().get("lang"));
        assertNull(d.get(0).vector());
        assertEquals("2", d.get(1).id());
        assertArrayEquals(new float[] {0.5f, 1f}, d.get(1).vector());
        DocumentFormatException e = assertThrows(
                DocumentFormatException.class,
                () -> parse("b.jsonl", "{\"id\":\"1\",\"text\":\"ok\"}\n{\"id\":\"2\"}"));
        assertTrue(e.getMessage().startsWith("b.jsonl line 2"), e.getMessage());
        assertThrows(DocumentFormatException.class, () -> parse("c.jsonl", "not json"));
    }

    @Test
    void jsonIsAnArrayOrAnObjectWithDocuments() {
        assertEquals(
                2,
                parse("a.json", "[{\"id\":\"1\",\"text\":\"a\"},{\"id\":\"2\",\"text\":\"b\"}]")
                        .size());
        assertEquals(
                1,
                parse("b.json", "{\"documents\":[{\"id\":\"1\",\"text\":\"a\"}]}")
                        .size());
        DocumentFormatException e = assertThrows(DocumentFormatException.class, () -> parse("c.json", "{\"x\":1}"));
        assertTrue(e.getMessage().contains("c.json"), e.getMessage());
    }

    @Test
    void csvHasConfigurableColumnsAndQuotedFields() {
        List<Document> d = parse(
                "faq.csv",
                "id,text,topic\nq1,\"Hello, \"\"world\"\"\nsecond line\",greeting\r\n" + ",no id here,misc\n");
        assertEquals(2, d.size());
        assertEquals("Hello, \"world\"\nsecond line", d.get(0).text());
        assertEquals("greeting", d.get(0).attributes().get("topic"));
        assertEquals("faq:2", d.get(1).id());
        List<Document> custom = DocumentFormats.parse(
                "x.csv",
                "key,body\nk,v\n".getBytes(StandardCharsets.UTF_8),
                new DocumentFormats.Options(1 << 20, "body", "key"));
        assertEquals("k", custom.get(0).id());
        assertEquals("v", custom.get(0).text());
        assertThrows(DocumentFormatException.class, () -> parse("y.csv", "a,b\n1,2\n"));
        assertThrows(DocumentFormatException.class, () -> parse("z.csv", "id,text\n1\n"));
        assertThrows(DocumentFormatException.class, () -> parse("q.csv", "id,text\n1,\"open\n"));
    }

    @Test
    void unknownFormatsInvalidUtf8AndOversizedFilesAreNamed() {
        DocumentFormatException e = assertThrows(DocumentFormatException.class, () -> parse("scan.pdf", "%PDF"));
        assertTrue(e.getMessage().contains("scan.pdf") && e.getMessage().contains(".md"), e.getMessage());
        byte[] bad = {'o', 'k', ' ', (byte) 0xC3, (byte) 0x28};
        e = assertThrows(
                DocumentFormatException.class,
                () -> DocumentFormats.parse("bad.txt", bad, DocumentFormats.Options.defaults()));
        assertTrue(e.getMessage().contains("bad.txt") && e.getMessage().contains("UTF-8"), e.getMessage());
        e = assertThrows(
                DocumentFormatException.class,
                () -> DocumentFormats.parse("big.txt", new byte[100], new DocumentFormats.Options(10, "text", "id")));
        assertTrue(e.getMessage().contains("big.txt") && e.getMessage().contains("limit"), e.getMessage());
        assertThrows(DocumentFormatException.class, () -> parse("noext", "x"));
    }

    /**
     * A CSV without the text column names the missing column only: the header row is the file's content (a column
     * may be named after a customer or hold a value), and this message reaches dead letters, the log and callers
     * other than the file's author.
     */
    @Test
    void aMissingCsvColumnIsNamedWithoutListingTheFilesColumns() {
        DocumentFormatException e = assertThrows(
                DocumentFormatException.class, () -> parse("y.csv", "id,ssn_123-45-6789,api_key_sk_live\n1,2,3\n"));
        assertTrue(e.getMessage().contains("y.csv") && e.getMessage().contains("'text'"), e.getMessage());
        assertFalse(e.getMessage().contains("ssn_123-45-6789") || e.getMessage().contains("sk_live"), e.getMessage());
        DocumentFormatException custom = assertThrows(
                DocumentFormatException.class,
                () -> DocumentFormats.parse(
                        "x.csv",
                        "key,secret_column\nk,v\n".getBytes(StandardCharsets.UTF_8),
                        new DocumentFormats.Options(1 << 20, "body", "key")));
        assertTrue(custom.getMessage().contains("'body'"), custom.getMessage());
        assertFalse(custom.getMessage().contains("secret_column"), custom.getMessage());
    }

    /** A malformed JSON document is located by line and column, never quoted: the bad token may be a credential. */
    @Test
    void malformedJsonIsLocatedNotQuoted() {
        DocumentFormatException e = assertThrows(
                DocumentFormatException.class,
                () -> parse("config.json", "{\"documents\":[],\n \"apiKey\": sk_live_0123456789abcdef}"));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("line 2"), e.getMessage());
        assertFalse(e.getMessage().contains("sk_live"), e.getMessage());
    }
}
