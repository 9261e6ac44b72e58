package dev.abi.inference.schema;

/**
 * A character-level recognizer of the prefixes of the compact JSON texts (no whitespace outside strings) that match
 * one {@link SchemaNode}: {@link #accept} says whether a text stays such a prefix, {@link #complete} whether it is a
 * whole match, and {@link #minToClose} the exact length of the shortest text that completes it.
 *
 * <p>The state is a persistent stack of immutable frames (one per open value), so a step returns a new recognizer
 * and leaves this one as it was: trying every token's text from the same state needs no copy. Properties are written
 * in schema order, each at most once; an optional one may be left out.
 */
public final class SchemaPrefix {

    private final Frame top;

    private SchemaPrefix(Frame top) {
        this.top = top;
    }

    /** The recognizer at the start of the text, for values of {@code schema}. */
    public static SchemaPrefix start(SchemaNode schema) {
        return new SchemaPrefix(new ValueStart(null, schema));
    }

    /** The recognizer after {@code c}, or null when {@code c} would leave the language. */
    public SchemaPrefix accept(char c) {
        Frame next = top.step(c);
        return next == null ? null : new SchemaPrefix(next);
    }

    /** The recognizer after every character of {@code text}, or null at the first one refused. */
    public SchemaPrefix acceptAll(String text) {
        Frame f = top;
        for (int i = 0; i < text.length() && f != null; i++) {
            f = f.step(text.charAt(i));
        }
        return f == null ? null : new SchemaPrefix(f);
    }

    /** Whether the text so far is a whole value of the schema (nothing may follow it). */
    public boolean complete() {
        return top == Done.INSTANCE;
    }

    /** Whether the next character goes inside a string. */
    public boolean inString() {
        return top instanceof StringFrame;
    }

    /** Whether the next character is plain string text (not after a backslash): any such text keeps this state. */
    boolean inPlainString() {
        return top instanceof StringFrame s && s.plain();
    }

    /** The length of the shortest text that, appended, makes the text a whole value of the schema. */
    public int minToClose() {
        int n = top.remainder();
        for (Frame f = top.parent; f != null; f = f.parent) {
            n += f.afterChild();
        }
        return n;
    }

    /** One open value. {@code parent} is the value that holds it, null for the top-level value. */
    abstract static class Frame {
        final Frame parent;

        Frame(Frame parent) {
            this.parent = parent;
        }

        /** The frame on top after {@code c}, or null when refused. */
        abstract Frame step(char c);

        /** The shortest number of characters that finish this value. */
        abstract int remainder();

        /** The shortest number of characters that finish this value once its open child is finished. */
        int afterChild() {
            throw new IllegalStateException(getClass().getSimpleName() + " holds no child");
        }

        /** This frame once its open child is finished. */
        Frame childDone() {
            throw new IllegalStateException(getClass().getSimpleName() + " holds no child");
        }

        /** The frame on top once this value is finished. */
        final Frame finished() {
            return parent == null ? Done.INSTANCE : parent.childDone();
        }
    }

    /** The whole value is written: nothing may follow. */
    static final class Done extends Frame {
        static final Done INSTANCE = new Done();

        private Done() {
            super(null);
        }

        @Override
        Frame step(char c) {
            return null;
        }

        @Override
        int remainder() {
            return 0;
        }
    }

    /** Before the first character of a value: the schema decides which frame starts. */
    static final class ValueStart extends Frame {
        private final SchemaNode schema;

        ValueStart(Frame parent, SchemaNode schema) {
            super(parent);
            this.schema = schema;
        }

        @Override
        Frame step(char c) {
            return start(parent, schema, c);
        }

        static Frame start(Frame parent, SchemaNode schema, char c) {
            return switch (schema) {
                case SchemaNode.ObjectNode o ->
                    c == '{' ? new ObjectFrame(parent, o, Phase.OPEN, 0, -1, 0, null) : null;
                case SchemaNode.ArrayNode a -> c == '[' ? new ArrayFrame(parent, a, 0) : null;
                case SchemaNode.StringNode s -> c == '"' ? new StringFrame(parent, 0) : null;
                case SchemaNode.NumberNode n -> new NumberFrame(parent, n.integer(), NumberFrame.START).step(c);
                case SchemaNode.LiteralNode l ->
                    new LiteralFrame(parent, l.texts().toArray(String[]::new), 0).step(c);
                case SchemaNode.UnionNode u -> {
                    for (SchemaNode option : u.options()) {
                        Frame f = start(parent, option, c);
                        if (f != null) {
                            yield f;
                        }
                    }
                    yield null;
                }
            };
        }

        @Override
        int remainder() {
            return schema.minLength();
        }
    }

    enum Phase {
        OPEN,
        KEY_START,
        IN_KEY,
        COLON,
        VALUE,
        AFTER_VALUE
    }

    /**
     * An object. {@code next} is the index of the first property that may still come; in {@code IN_KEY} the key typed
     * so far is {@code typed} characters (its opening quote included) of each candidate in {@code candidates}; in
     * {@code COLON} and {@code VALUE}, {@code current} is the property being written.
     */
    static final class ObjectFrame extends Frame {
        private final SchemaNode.ObjectNode schema;
        private final Phase phase;
        private final int next;
        private final int current;
        private final int typed;
        private final int[] candidates;

        ObjectFrame(
                Frame parent,
                SchemaNode.ObjectNode schema,
                Phase phase,
                int next,
                int current,
                int typed,
                int[] candidates) {
            super(parent);
            this.schema = schema;
            this.phase = phase;
            this.next = next;
            this.current = current;
            this.typed = typed;
            this.candidates = candidates;
        }

        @Override
        Frame step(char c) {
            switch (phase) {
                case OPEN, KEY_START -> {
                    if (c == '}' && phase == Phase.OPEN && !requiredFrom(next)) {
                        return finished();
                    }
                    if (c != '"') {
                        return null;
                    }
                    int[] keys = keyCandidates();
                    return keys.length == 0 ? null : typeKey(keys, 1);
                }
                case IN_KEY -> {
                    int n = 0;
                    for (int k : candidates) {
                        n += schema.properties().get(k).key().charAt(typed) == c ? 1 : 0;
                    }
                    if (n == 0) {
                        return null;
                    }
                    int[] alive = new int[n];
                    n = 0;
                    for (int k : candidates) {
                        if (schema.properties().get(k).key().charAt(typed) == c) {
                            alive[n++] = k;
                        }
                    }
                    return typeKey(alive, typed + 1);
                }
                case COLON -> {
                    if (c != ':') {
                        return null;
                    }
                    ObjectFrame holding = new ObjectFrame(parent, schema, Phase.VALUE, next, current, 0, null);
                    return new ValueStart(
                            holding, schema.properties().get(current).value());
                }
                case AFTER_VALUE -> {
                    if (c == '}') {
                        return requiredFrom(next) ? null : finished();
                    }
                    if (c == ',' && next < schema.properties().size()) {
                        return new ObjectFrame(parent, schema, Phase.KEY_START, next, -1, 0, null);
                    }
                    return null;
                }
                default -> {
                    return null;
                }
            }
        }

        /** After {@code typed} characters of the keys of {@code keys}: a whole key moves on to its colon. */
        private Frame typeKey(int[] keys, int typedNow) {
            for (int k : keys) {
                if (schema.properties().get(k).key().length() == typedNow) {
                    // keys are distinct and end with a quote, so a whole key is the only candidate left
                    return new ObjectFrame(parent, schema, Phase.COLON, k + 1, k, 0, null);
                }
            }
            return new ObjectFrame(parent, schema, Phase.IN_KEY, next, -1, typedNow, keys);
        }

        /** The properties that may come next: those from {@code next} up to and including the first required one. */
        private int[] keyCandidates() {
            int end = next;
            while (end < schema.properties().size()) {
                if (schema.properties().get(end++).required()) {
                    break;
                }
            }
            int[] keys = new int[end - next];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = next + i;
            }
            return keys;
        }

        private boolean requiredFrom(int from) {
            for (int j = from; j < schema.properties().size(); j++) {
                if (schema.properties().get(j).required()) {
                    return true;
                }
            }
            return false;
        }

        /** Shortest: the rest of key {@code k} from {@code typedNow}, its colon and value, then what must follow. */
        private int viaKey(int k, int typedNow) {
            SchemaNode.Property p = schema.properties().get(k);
            return p.key().length() - typedNow + 1 + p.value().minLength() + schema.restAfter(k + 1);
        }

        private int shortestKey(int[] keys, int typedNow) {
            int best = Integer.MAX_VALUE;
            for (int k : keys) {
                best = Math.min(best, viaKey(k, typedNow));
            }
            return best;
        }

        @Override
        int remainder() {
            return switch (phase) {
                case OPEN -> schema.openRemainder();
                case KEY_START -> shortestKey(keyCandidates(), 0);
                case IN_KEY -> shortestKey(candidates, typed);
                case COLON -> 1 + schema.properties().get(current).value().minLength() + schema.restAfter(next);
                case AFTER_VALUE -> schema.restAfter(next);
                case VALUE -> throw new IllegalStateException("an object's value is open");
            };
        }

        @Override
        int afterChild() {
            return schema.restAfter(next);
        }

        @Override
        Frame childDone() {
            return new ObjectFrame(parent, schema, Phase.AFTER_VALUE, next, -1, 0, null);
        }
    }

    /**
     * An array with {@code count} items finished (0 just after its bracket); while an item is written, the frame below
     * it still counts the items before it.
     */
    static final class ArrayFrame extends Frame {
        private final SchemaNode.ArrayNode schema;
        private final int count;

        ArrayFrame(Frame parent, SchemaNode.ArrayNode schema, int count) {
            super(parent);
            this.schema = schema;
            this.count = count;
        }

        @Override
        Frame step(char c) {
            if (c == ']') {
                return count >= schema.minItems() ? finished() : null;
            }
            if (count == 0) { // just after '[': the first item starts here
                if (schema.maxItems() == 0) {
                    return null;
                }
                return ValueStart.start(new ArrayFrame(parent, schema, 0), schema.items(), c);
            }
            if (c == ',' && count < schema.maxItems()) {
                return new ValueStart(new ArrayFrame(parent, schema, count), schema.items());
            }
            return null;
        }

        private int itemsStillNeeded(int finished) {
            int missing = Math.max(0, schema.minItems() - finished);
            return missing * schema.items().minLength() + missing;
        }

        @Override
        int remainder() {
            // after '[' the first item needs no comma
            return count == 0 && schema.minItems() > 0 ? itemsStillNeeded(0) - 1 + 1 : itemsStillNeeded(count) + 1;
        }

        @Override
        int afterChild() {
            return itemsStillNeeded(count + 1) + 1;
        }

        @Override
        Frame childDone() {
            return new ArrayFrame(parent, schema, count + 1);
        }
    }

    /** Inside a string: {@code escape} is 0 for plain text, -1 after a backslash, 1..4 for hex digits left. */
    static final class StringFrame extends Frame {
        private final int escape;

        StringFrame(Frame parent, int escape) {
            super(parent);
            this.escape = escape;
        }

        @Override
        Frame step(char c) {
            if (escape == -1) {
                if (c == 'u') {
                    return new StringFrame(parent, 4);
                }
                return "\"\\/bfnrt".indexOf(c) >= 0 ? new StringFrame(parent, 0) : null;
            }
            if (escape > 0) {
                return Character.digit(c, 16) < 0 ? null : new StringFrame(parent, escape - 1);
            }
            if (c == '"') {
                return finished();
            }
            if (c == '\\') {
                return new StringFrame(parent, -1);
            }
            return c < 0x20 ? null : this; // plain text leaves the state as it is (inPlainString relies on it)
        }

        boolean plain() {
            return escape == 0;
        }

        @Override
        int remainder() {
            return escape == -1 ? 2 : escape + 1;
        }
    }

    /** A number; it ends at the first character that cannot continue it, which goes to the enclosing value. */
    static final class NumberFrame extends Frame {
        static final int START = 0;
        static final int SIGN = 1;
        static final int ZERO = 2;
        static final int INT = 3;
        static final int FRAC_START = 4;
        static final int FRAC = 5;
        static final int EXP_START = 6;
        static final int EXP_SIGN = 7;
        static final int EXP = 8;

        private final boolean integer;
        private final int state;

        NumberFrame(Frame parent, boolean integer, int state) {
            super(parent);
            this.integer = integer;
            this.state = state;
        }

        @Override
        Frame step(char c) {
            int s = next(c);
            if (s >= 0) {
                return new NumberFrame(parent, integer, s);
            }
            if (needsDigit()) {
                return null;
            }
            return finished().step(c);
        }

        private int next(char c) {
            boolean digit = c >= '0' && c <= '9';
            return switch (state) {
                case START -> c == '-' ? SIGN : c == '0' ? ZERO : digit ? INT : -1;
                case SIGN -> c == '0' ? ZERO : digit ? INT : -1;
                case ZERO, INT ->
                    digit && state == INT
                            ? INT
                            : integer ? -1 : c == '.' ? FRAC_START : c == 'e' || c == 'E' ? EXP_START : -1;
                case FRAC_START -> digit ? FRAC : -1;
                case FRAC -> digit ? FRAC : c == 'e' || c == 'E' ? EXP_START : -1;
                case EXP_START -> c == '+' || c == '-' ? EXP_SIGN : digit ? EXP : -1;
                case EXP_SIGN, EXP -> digit ? EXP : -1;
                default -> -1;
            };
        }

        private boolean needsDigit() {
            return state == START || state == SIGN || state == FRAC_START || state == EXP_START || state == EXP_SIGN;
        }

        @Override
        int remainder() {
            return needsDigit() ? 1 : 0;
        }
    }

    /**
     * One of a few fixed texts, {@code typed} characters of each in {@code alive} written. A text that is whole while
     * a longer one is still alive ({@code 1} and {@code 12}) ends at the first character that continues neither.
     */
    static final class LiteralFrame extends Frame {
        private final String[] alive;
        private final int typed;

        LiteralFrame(Frame parent, String[] alive, int typed) {
            super(parent);
            this.alive = alive;
            this.typed = typed;
        }

        @Override
        Frame step(char c) {
            int n = 0;
            for (String t : alive) {
                n += t.length() > typed && t.charAt(typed) == c ? 1 : 0;
            }
            if (n > 0) {
                String[] next = new String[n];
                n = 0;
                boolean onlyWhole = true;
                for (String t : alive) {
                    if (t.length() > typed && t.charAt(typed) == c) {
                        next[n++] = t;
                        onlyWhole &= t.length() == typed + 1;
                    }
                }
                LiteralFrame f = new LiteralFrame(parent, next, typed + 1);
                return onlyWhole ? f.finished() : f;
            }
            return remainder() == 0 ? finished().step(c) : null; // a whole text ends here; c goes on after it
        }

        @Override
        int remainder() {
            int best = Integer.MAX_VALUE;
            for (String t : alive) {
                best = Math.min(best, t.length() - typed);
            }
            return best;
        }
    }
}
