package dev.abi.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.abi.inference.TokenLogprob;
import dev.abi.inference.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes token log probabilities in OpenAI's two shapes: chat's {@code {"content":[{"token","logprob","bytes",
 * "top_logprobs"}]}} and completions' {@code {"tokens","token_logprobs","top_logprobs","text_offset"}}. A token's
 * text is its vocabulary piece decoded alone; its {@code bytes} are that text in UTF-8.
 */
final class Logprobs {

    private Logprobs() {}

    static void writeChat(JsonGenerator g, List<TokenLogprob> tokens, Vocabulary vocab) throws IOException {
        g.writeObjectFieldStart("logprobs");
        g.writeArrayFieldStart("content");
        for (TokenLogprob t : tokens) {
            g.writeStartObject();
            writeToken(g, vocab, t.token(), t.logprob());
            g.writeArrayFieldStart("top_logprobs");
            for (int j = 0; j < t.topTokens().length; j++) {
                g.writeStartObject();
                writeToken(g, vocab, t.topTokens()[j], t.topLogprobs()[j]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNullField("refusal");
        g.writeEndObject();
    }

    static void writeCompletion(JsonGenerator g, List<TokenLogprob> tokens, Vocabulary vocab) throws IOException {
        writeCompletion(g, tokens, vocab, 0);
    }

    /**
     * The {@code logprobs} object of one streamed chunk: chat's shape, or completions' with {@code text_offset}
     * counted from {@code offset}, the characters streamed before this chunk.
     */
    static JsonNode chunk(boolean chat, List<TokenLogprob> tokens, Vocabulary vocab, int offset) {
        try (TokenBuffer buffer = new TokenBuffer(JsonBodies.MAPPER, false)) {
            buffer.writeStartObject();
            if (chat) {
                writeChat(buffer, tokens, vocab);
            } else {
                writeCompletion(buffer, tokens, vocab, offset);
            }
            buffer.writeEndObject();
            JsonNode whole = JsonBodies.MAPPER.readTree(buffer.asParser());
            return whole.get("logprobs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Characters of the tokens' texts together (as {@code text_offset} counts them). */
    static int length(List<TokenLogprob> tokens, Vocabulary vocab) {
        int n = 0;
        for (TokenLogprob t : tokens) {
            n += text(vocab, t.token()).length();
        }
        return n;
    }

    private static void writeCompletion(JsonGenerator g, List<TokenLogprob> tokens, Vocabulary vocab, int start)
            throws IOException {
        g.writeObjectFieldStart("logprobs");
        g.writeArrayFieldStart("tokens");
        for (TokenLogprob t : tokens) {
            g.writeString(text(vocab, t.token()));
        }
        g.writeEndArray();
        g.writeArrayFieldStart("token_logprobs");
        for (TokenLogprob t : tokens) {
            g.writeNumber(t.logprob());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("top_logprobs");
        for (TokenLogprob t : tokens) {
            g.writeStartObject();
            for (int j = 0; j < t.topTokens().length; j++) {
                g.writeNumberField(text(vocab, t.topTokens()[j]), t.topLogprobs()[j]);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("text_offset");
        int offset = start;
        for (TokenLogprob t : tokens) {
            g.writeNumber(offset);
            offset += text(vocab, t.token()).length();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeToken(JsonGenerator g, Vocabulary vocab, int token, float logprob) throws IOException {
        String text = text(vocab, token);
        g.writeStringField("token", text);
        g.writeNumberField("logprob", logprob);
        g.writeArrayFieldStart("bytes");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            g.writeNumber(b & 0xff);
        }
        g.writeEndArray();
    }

    private static String text(Vocabulary vocab, int token) {
        return vocab.decode(new int[] {token});
    }
}
