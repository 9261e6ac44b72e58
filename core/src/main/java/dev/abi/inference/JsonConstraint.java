package dev.abi.inference;

import java.util.List;

/**
 * Constrained decoding for JSON mode: before each token is sampled, every token whose text would make the output stop
 * being a prefix of a JSON object ({@link JsonPrefix}) is masked out, and so is every token after which the tokens
 * left could not close the object; end-of-sequence is allowed only once the object is whole, and then it is the only
 * choice. A token of whitespace alone is refused outside strings, so that padding never replaces content. Closing the
 * object needs one token per character at most, since byte-fallback vocabularies hold every
 * ASCII character as a token: so the output parses whenever the budget allowed an object at all.
 */
final class JsonConstraint implements TokenConstraint {

    private final String[] pieces;
    /** Tokens of plain string text (no quote, backslash or control character): inside a string they keep the state. */
    private final boolean[] plain;

    private final int eos;
    private final List<String> stops;
    /** The end of the text so far, as long as the longest stop sequence less one. */
    private String tail = "";

    private final JsonPrefix state = new JsonPrefix();

    /** @param stops stop sequences: a token whose text holds one is never chosen, so no stop cuts the object */
    JsonConstraint(Vocabulary vocab, List<String> stops) {
        this.eos = vocab.eos();
        this.stops = List.copyOf(stops);
        this.pieces = new String[vocab.size()];
        for (int id = 0; id < pieces.length; id++) {
            String piece = vocab.decode(new int[] {id});
            boolean stopping = stops.stream().anyMatch(piece::contains);
            pieces[id] = stopping ? "" : piece;
        }
        this.plain = new boolean[pieces.length];
        for (int id = 0; id < pieces.length; id++) {
            plain[id] = !pieces[id].isEmpty() && pieces[id].chars().allMatch(c -> c >= 0x20 && c != '"' && c != '\\');
        }
    }

    @Override
    public boolean mask(float[] logits, int remaining) {
        boolean any = false;
        boolean plainString = state.inPlainString();
        boolean plainFits = plainString && remaining - 1 >= state.minToClose();
        for (int id = 0; id < logits.length; id++) {
            boolean allowed;
            if (id == eos) {
                allowed = state.complete();
            } else if (plainString && id < pieces.length && plain[id]) {
                allowed = plainFits; // plain text inside a string leaves the state as it is: no copy to try
            } else if (state.complete()
                    || id >= pieces.length
                    || pieces[id].isEmpty()
                    || pieces[id].isBlank() && !state.inString()) {
                allowed = false; // whitespace alone outside strings would let a model pad instead of writing
            } else {
                JsonPrefix next = state.copy();
                allowed = next.acceptAll(pieces[id]) && remaining - 1 >= next.minToClose();
            }
            if (allowed && finishesStop(pieces[id])) {
                allowed = false; // the generator would stop there, mid-object
            }
            if (allowed) {
                any = true;
            } else {
                logits[id] = Float.NEGATIVE_INFINITY;
            }
        }
        return any;
    }

    /** Whether {@code piece} would finish a stop sequence that the text so far has begun. */
    private boolean finishesStop(String piece) {
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, tail.length()); k >= 1; k--) {
                if (tail.endsWith(stop.substring(0, k)) && piece.startsWith(stop.substring(k))) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void accept(int token) {
        if (token != eos && token < pieces.length) {
            state.acceptAll(pieces[token]);
            int keep = stops.stream().mapToInt(String::length).max().orElse(1) - 1;
            String text = tail + pieces[token];
            tail = text.substring(Math.max(0, text.length() - keep));
        }
    }
}
