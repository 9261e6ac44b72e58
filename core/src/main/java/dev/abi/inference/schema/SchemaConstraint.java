package dev.abi.inference.schema;

import dev.abi.inference.TokenConstraint;
import dev.abi.inference.Vocabulary;
import java.util.List;

/**
 * Structured outputs: before each token is sampled, every token whose text would take the output out of the
 * prefixes of compact JSON matching the schema ({@link SchemaPrefix}) is masked out, and so is every token after which
 * the tokens left could not finish it; end-of-sequence is allowed only once the value is whole, and then it is the
 * only choice.
 *
 * <p>Finishing takes at most one token per character ({@link SchemaPrefix#minToClose} is exact, and byte-fallback
 * and byte-level vocabularies hold every ASCII character as a token), so the output is a whole matching value
 * whenever {@code max_tokens} allowed one at the start; when it did not, no token is allowed and generation ends
 * with nothing written ({@code finish_reason: "length"}). Each step tries every token's text from the current state:
 * the cost grows with the vocabulary.
 */
public final class SchemaConstraint implements TokenConstraint {

    private final String[] pieces;
    private final int eos;
    private SchemaPrefix state;

    /** @param stops stop sequences: a token whose text holds one is never chosen, so no stop cuts the value */
    public SchemaConstraint(SchemaNode schema, Vocabulary vocab, List<String> stops) {
        this.eos = vocab.eos();
        this.state = SchemaPrefix.start(schema);
        this.pieces = new String[vocab.size()];
        for (int id = 0; id < pieces.length; id++) {
            String piece = vocab.decode(new int[] {id});
            boolean stopping = stops.stream().anyMatch(piece::contains);
            pieces[id] = stopping ? "" : piece;
        }
    }

    /** The factory of the constraints of {@code schema}, one per generation. */
    public static TokenConstraint.Factory of(SchemaNode schema) {
        return (vocab, stops) -> new SchemaConstraint(schema, vocab, stops);
    }

    @Override
    public boolean mask(float[] logits, int remaining) {
        boolean any = false;
        boolean complete = state.complete();
        for (int id = 0; id < logits.length; id++) {
            boolean allowed;
            if (id == eos) {
                allowed = complete;
            } else if (complete || id >= pieces.length || pieces[id].isEmpty()) {
                allowed = false;
            } else {
                SchemaPrefix next = state.acceptAll(pieces[id]);
                allowed = next != null && remaining - 1 >= next.minToClose();
            }
            if (allowed) {
                any = true;
            } else {
                logits[id] = Float.NEGATIVE_INFINITY;
            }
        }
        return any;
    }

    @Override
    public void accept(int token) {
        if (token != eos && token < pieces.length) {
            SchemaPrefix next = state.acceptAll(pieces[token]);
            if (next == null) {
                throw new IllegalStateException("token " + token + " was not allowed by the schema");
            }
            state = next;
        }
    }
}
