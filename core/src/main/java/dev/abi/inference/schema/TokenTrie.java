package dev.abi.inference.schema;

import dev.abi.inference.Vocabulary;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Every token's text of a vocabulary in one character trie, so that a constraint tries each shared prefix once and
 * skips a whole subtree at its first refused character, instead of walking every token's text from the start. Built
 * once per vocabulary and kept while the vocabulary lives.
 *
 * <p>Nodes are numbered in pre-order; node 0 is the root (the empty text). {@code firstChild}/{@code nextSibling} link
 * the tree; the tokens whose text ends at node {@code n} are {@code tokens[tokenStart[n] .. tokenStart[n + 1])}.
 */
final class TokenTrie {

    private static final Map<Vocabulary, TokenTrie> CACHE = new WeakHashMap<>();

    final String[] pieces;
    /** Tokens whose text is plain string content (no quote, backslash or control character): inside a string, each
     * leaves the recognizer's state as it is. */
    final BitSet plainString;
    /** The other tokens with text. */
    final int[] notPlainString;

    final char[] label;
    final int[] firstChild;
    final int[] nextSibling;
    final int[] tokenStart;
    final int[] tokens;

    private TokenTrie(
            String[] pieces, char[] label, int[] firstChild, int[] nextSibling, int[] tokenStart, int[] tokens) {
        this.pieces = pieces;
        this.plainString = new BitSet(pieces.length);
        for (int id = 0; id < pieces.length; id++) {
            if (!pieces[id].isEmpty() && pieces[id].chars().allMatch(c -> c >= 0x20 && c != '"' && c != '\\')) {
                plainString.set(id);
            }
        }
        this.notPlainString = java.util.stream.IntStream.range(0, pieces.length)
                .filter(id -> !pieces[id].isEmpty() && !plainString.get(id))
                .toArray();
        this.label = label;
        this.firstChild = firstChild;
        this.nextSibling = nextSibling;
        this.tokenStart = tokenStart;
        this.tokens = tokens;
    }

    /** The node whose text is {@code text}, or -1 when no token's text starts with it. */
    int find(String text) {
        int node = 0;
        for (int i = 0; i < text.length() && node >= 0; i++) {
            int child = firstChild[node];
            while (child >= 0 && label[child] != text.charAt(i)) {
                child = nextSibling[child];
            }
            node = child;
        }
        return node;
    }

    /** Clears in {@code set} every token whose text starts with the text of {@code node}. */
    void clearBelow(int node, BitSet set) {
        for (int t = tokenStart[node]; t < tokenStart[node + 1]; t++) {
            set.clear(tokens[t]);
        }
        for (int child = firstChild[node]; child >= 0; child = nextSibling[child]) {
            clearBelow(child, set);
        }
    }

    /** The trie of {@code vocab}'s token texts (each decoded alone); control tokens, whose text is empty, are left out. */
    static TokenTrie of(Vocabulary vocab) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(vocab, TokenTrie::build);
        }
    }

    private static TokenTrie build(Vocabulary vocab) {
        String[] pieces = new String[vocab.size()];
        for (int id = 0; id < pieces.length; id++) {
            pieces[id] = vocab.decode(new int[] {id});
        }
        Integer[] order = new Integer[pieces.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> pieces[a].compareTo(pieces[b]));
        int capacity = 1;
        for (String p : pieces) {
            capacity += p.length();
        }
        char[] label = new char[capacity];
        int[] firstChild = new int[capacity];
        int[] nextSibling = new int[capacity];
        int[] lastChild = new int[capacity];
        int[] endCount = new int[capacity + 1];
        int[] endNode = new int[pieces.length];
        Arrays.fill(firstChild, -1);
        Arrays.fill(nextSibling, -1);
        Arrays.fill(lastChild, -1);
        int nodes = 1;
        int[] path = new int[16]; // path[d]: the node of the previous text's first d characters
        String previous = "";
        for (int id : order) {
            String p = pieces[id];
            if (p.isEmpty()) {
                endNode[id] = -1;
                continue;
            }
            int common = 0;
            while (common < Math.min(p.length(), previous.length()) && p.charAt(common) == previous.charAt(common)) {
                common++;
            }
            if (path.length <= p.length()) {
                path = Arrays.copyOf(path, p.length() * 2 + 1);
            }
            for (int d = common; d < p.length(); d++) {
                int parent = path[d];
                int node = nodes++;
                label[node] = p.charAt(d);
                if (lastChild[parent] < 0) {
                    firstChild[parent] = node;
                } else {
                    nextSibling[lastChild[parent]] = node;
                }
                lastChild[parent] = node;
                path[d + 1] = node;
            }
            endNode[id] = path[p.length()];
            endCount[path[p.length()]]++;
            previous = p;
        }
        int[] tokenStart = new int[nodes + 1];
        for (int n = 0; n < nodes; n++) {
            tokenStart[n + 1] = tokenStart[n] + endCount[n];
        }
        int[] fill = Arrays.copyOf(tokenStart, nodes);
        int[] tokens = new int[tokenStart[nodes]];
        for (int id = 0; id < pieces.length; id++) {
            if (endNode[id] >= 0) {
                tokens[fill[endNode[id]]++] = id;
            }
        }
        return new TokenTrie(
                pieces,
                Arrays.copyOf(label, nodes),
                Arrays.copyOf(firstChild, nodes),
                Arrays.copyOf(nextSibling, nodes),
                tokenStart,
                tokens);
    }
}
