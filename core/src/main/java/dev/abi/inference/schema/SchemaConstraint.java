package dev.abi.inference.schema;

import dev.abi.inference.TokenConstraint;
import dev.abi.inference.Vocabulary;
import java.util.BitSet;
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
 * with nothing written ({@code finish_reason: "length"}). The tokens' texts are tried along the vocabulary's
 * {@link TokenTrie}: a shared prefix is stepped once, and a refused character drops every token that starts with it;
 * inside a string, the tokens of plain text are allowed together and only the others are tried. A token that would
 * finish a stop sequence, alone or with the text before it, is refused too, so no stop sequence cuts the value.
 */
public final class SchemaConstraint implements TokenConstraint {

    private final TokenTrie trie;
    private final BitSet stopping = new BitSet();
    private final BitSet allowed = new BitSet();
    private final int eos;
    private final List<String> stops;
    /** The end of the text so far, as long as the longest stop sequence less one. */
    private String tail = "";

    private SchemaPrefix state;

    /** @param stops stop sequences: a token whose text holds one is never chosen, so no stop cuts the value */
    public SchemaConstraint(SchemaNode schema, Vocabulary vocab, List<String> stops) {
        this.eos = vocab.eos();
        this.state = SchemaPrefix.start(schema);
        this.trie = TokenTrie.of(vocab);
        this.stops = List.copyOf(stops);
        if (!stops.isEmpty()) {
            for (int id = 0; id < trie.pieces.length; id++) {
                String piece = trie.pieces[id];
                if (stops.stream().anyMatch(piece::contains)) {
                    stopping.set(id);
                }
            }
        }
    }

    /** The factory of the constraints of {@code schema}, one per generation. */
    public static TokenConstraint.Factory of(SchemaNode schema) {
        return (vocab, stops) -> new SchemaConstraint(schema, vocab, stops);
    }

    @Override
    public boolean mask(float[] logits, int remaining) {
        allowed.clear();
        if (state.complete()) {
            if (eos >= 0 && eos < logits.length) {
                allowed.set(eos);
            }
        } else if (state.inPlainString()) {
            plainString(remaining);
            refuseStopEndings();
        } else {
            visit(0, state, remaining - 1);
            allowed.andNot(stopping);
            refuseStopEndings();
        }
        for (int id = allowed.nextClearBit(0); id < logits.length; id = allowed.nextClearBit(id + 1)) {
            logits[id] = Float.NEGATIVE_INFINITY;
        }
        return !allowed.isEmpty() && allowed.nextSetBit(0) < logits.length;
    }

    /** Inside a string, plain text keeps the state: those tokens fit when the state does; only the others are tried. */
    private void plainString(int remaining) {
        if (state.minToClose() <= remaining - 1) {
            allowed.or(trie.plainString);
        }
        for (int id : trie.notPlainString) {
            SchemaPrefix next = state.acceptAll(trie.pieces[id]);
            if (next != null && next.minToClose() <= remaining - 1) {
                allowed.set(id);
            }
        }
        allowed.andNot(stopping);
    }

    /**
     * Refuses every token that would finish a stop sequence begun by the text so far (the generator would end there
     * and cut the value): when the text ends with the first {@code k} characters of a stop, the tokens whose text
     * starts with the rest of it.
     */
    private void refuseStopEndings() {
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, tail.length()); k >= 1; k--) {
                if (tail.endsWith(stop.substring(0, k))) {
                    int node = trie.find(stop.substring(k));
                    if (node > 0) {
                        trie.clearBelow(node, allowed);
                    }
                }
            }
        }
    }

    /** Marks the tokens below trie node {@code node} (whose text leads to {@code at}) that leave {@code left} enough. */
    private void visit(int node, SchemaPrefix at, int left) {
        for (int child = trie.firstChild[node]; child >= 0; child = trie.nextSibling[child]) {
            SchemaPrefix next = at.accept(trie.label[child]);
            if (next == null) {
                continue;
            }
            if (trie.tokenStart[child] < trie.tokenStart[child + 1] && next.minToClose() <= left) {
                for (int t = trie.tokenStart[child]; t < trie.tokenStart[child + 1]; t++) {
                    allowed.set(trie.tokens[t]);
                }
            }
            if (!next.complete()) { // nothing follows a whole value
                visit(child, next, left);
            }
        }
    }

    @Override
    public void accept(int token) {
        if (token != eos && token < trie.pieces.length) {
            SchemaPrefix next = state.acceptAll(trie.pieces[token]);
            if (next == null) {
                throw new IllegalStateException("token " + token + " was not allowed by the schema");
            }
            state = next;
            int keep = stops.stream().mapToInt(String::length).max().orElse(1) - 1;
            String text = tail + trie.pieces[token];
            tail = text.substring(Math.max(0, text.length() - keep));
        }
    }
}
