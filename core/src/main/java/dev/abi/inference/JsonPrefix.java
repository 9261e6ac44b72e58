package dev.abi.inference;

import java.util.Arrays;

/**
 * A character-level recognizer of the prefixes of one JSON object (RFC 8259, the top-level value an object, with no
 * whitespace before it):
 * {@link #accept} takes one character and says whether the text stays a prefix of some JSON object,
 * {@link #complete} whether the object is closed, and {@link #minToClose} how many more characters at least close it
 * (each structural character, digit and quote counted once). Copies are cheap, so a caller can try a token's text on
 * a copy.
 */
public final class JsonPrefix {

    private enum Mode {
        START,
        VALUE,
        KEY_OR_END,
        KEY,
        COLON,
        AFTER_VALUE,
        VALUE_OR_END,
        STRING,
        ESCAPE,
        UNICODE,
        NUMBER,
        LITERAL,
        DONE
    }

    /** Number phases: a digit is still needed in SIGN, FRAC_START, EXP_START and EXP_SIGN. */
    private enum Num {
        SIGN,
        ZERO,
        INT,
        FRAC_START,
        FRAC,
        EXP_START,
        EXP_SIGN,
        EXP
    }

    private char[] stack = new char[16]; // '{' or '['
    private int depth;
    private Mode mode = Mode.START;
    private boolean key;
    private int hexLeft;
    private Num num;
    private String literal;
    private int literalAt;

    /** A recognizer at the start of the text. */
    public JsonPrefix() {}

    /** An independent copy of this recognizer's state. */
    public JsonPrefix copy() {
        JsonPrefix c = new JsonPrefix();
        c.stack = Arrays.copyOf(stack, stack.length);
        c.depth = depth;
        c.mode = mode;
        c.key = key;
        c.hexLeft = hexLeft;
        c.num = num;
        c.literal = literal;
        c.literalAt = literalAt;
        return c;
    }

    /** Whether the next character goes inside a string. */
    public boolean inString() {
        return mode == Mode.STRING || mode == Mode.ESCAPE || mode == Mode.UNICODE;
    }

    /** Whether the next character is plain string text (not in an escape): any such text leaves the state as it is. */
    public boolean inPlainString() {
        return mode == Mode.STRING;
    }

    /** Whether the text so far is one whole JSON object. */
    public boolean complete() {
        return mode == Mode.DONE;
    }

    /** Feeds every character of {@code text}; false (the state then undefined) as soon as one is refused. */
    public boolean acceptAll(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!accept(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Feeds one character; false when the text would no longer be a prefix of a JSON object. */
    public boolean accept(char c) {
        switch (mode) {
            case START:
                if (c != '{') { // no leading whitespace: the object starts the text
                    return false;
                }
                push('{');
                mode = Mode.KEY_OR_END;
                return true;
            case DONE:
                return false;
            case STRING:
                if (c == '"') {
                    endValueOrKey();
                    return true;
                }
                if (c == '\\') {
                    mode = Mode.ESCAPE;
                    return true;
                }
                return c >= 0x20;
            case ESCAPE:
                if (c == 'u') {
                    mode = Mode.UNICODE;
                    hexLeft = 4;
                    return true;
                }
                if ("\"\\/bfnrt".indexOf(c) < 0) {
                    return false;
                }
                mode = Mode.STRING;
                return true;
            case UNICODE:
                if (Character.digit(c, 16) < 0) {
                    return false;
                }
                if (--hexLeft == 0) {
                    mode = Mode.STRING;
                }
                return true;
            case LITERAL:
                if (c != literal.charAt(literalAt)) {
                    return false;
                }
                if (++literalAt == literal.length()) {
                    afterValue();
                }
                return true;
            case NUMBER:
                if (number(c)) {
                    return true;
                }
                if (num == Num.SIGN || num == Num.FRAC_START || num == Num.EXP_START || num == Num.EXP_SIGN) {
                    return false;
                }
                afterValue();
                return accept(c);
            case KEY_OR_END:
                if (ws(c)) {
                    return true;
                }
                if (c == '}') {
                    return close('{');
                }
                return startKey(c);
            case KEY:
                return ws(c) || startKey(c);
            case COLON:
                if (ws(c)) {
                    return true;
                }
                if (c != ':') {
                    return false;
                }
                mode = Mode.VALUE;
                return true;
            case VALUE_OR_END:
                if (c == ']') {
                    return close('[');
                }
                return value(c);
            case VALUE:
                return value(c);
            case AFTER_VALUE:
                if (ws(c)) {
                    return true;
                }
                if (c == ',') {
                    mode = stack[depth - 1] == '{' ? Mode.KEY : Mode.VALUE;
                    return true;
                }
                return c == '}' ? close('{') : c == ']' && close('[');
            default:
                return false;
        }
    }

    /**
     * The fewest characters that close the object from here: what the current token still needs, then one closer
     * per open object or array.
     */
    public int minToClose() {
        int current = switch (mode) {
            case START -> 2;
            case VALUE -> 1;
            case KEY -> 4;
            case COLON -> 2;
            case STRING -> key ? 3 : 1;
            case ESCAPE -> 1 + (key ? 3 : 1);
            case UNICODE -> hexLeft + (key ? 3 : 1);
            case NUMBER ->
                num == Num.SIGN || num == Num.FRAC_START || num == Num.EXP_START || num == Num.EXP_SIGN ? 1 : 0;
            case LITERAL -> literal.length() - literalAt;
            default -> 0;
        };
        return current + depth;
    }

    private boolean value(char c) {
        if (ws(c)) {
            return true;
        }
        switch (c) {
            case '{' -> {
                push('{');
                mode = Mode.KEY_OR_END;
            }
            case '[' -> {
                push('[');
                mode = Mode.VALUE_OR_END;
            }
            case '"' -> {
                mode = Mode.STRING;
                key = false;
            }
            case 't', 'f', 'n' -> {
                literal = c == 't' ? "true" : c == 'f' ? "false" : "null";
                literalAt = 1;
                mode = Mode.LITERAL;
            }
            default -> {
                if (c != '-' && (c < '0' || c > '9')) {
                    return false;
                }
                mode = Mode.NUMBER;
                num = c == '-' ? Num.SIGN : c == '0' ? Num.ZERO : Num.INT;
            }
        }
        return true;
    }

    private boolean number(char c) {
        boolean digit = c >= '0' && c <= '9';
        switch (num) {
            case SIGN -> {
                if (!digit) {
                    return false;
                }
                num = c == '0' ? Num.ZERO : Num.INT;
            }
            case ZERO, INT -> {
                if (digit && num == Num.INT) {
                    return true;
                }
                if (c == '.') {
                    num = Num.FRAC_START;
                } else if (c == 'e' || c == 'E') {
                    num = Num.EXP_START;
                } else {
                    return false;
                }
            }
            case FRAC_START, FRAC -> {
                if (digit) {
                    num = Num.FRAC;
                } else if (num == Num.FRAC && (c == 'e' || c == 'E')) {
                    num = Num.EXP_START;
                } else {
                    return false;
                }
            }
            case EXP_START -> {
                if (c == '+' || c == '-') {
                    num = Num.EXP_SIGN;
                } else if (digit) {
                    num = Num.EXP;
                } else {
                    return false;
                }
            }
            case EXP_SIGN, EXP -> {
                if (!digit) {
                    return false;
                }
                num = Num.EXP;
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean startKey(char c) {
        if (c != '"') {
            return false;
        }
        mode = Mode.STRING;
        key = true;
        return true;
    }

    private void endValueOrKey() {
        if (key) {
            key = false;
            mode = Mode.COLON;
        } else {
            afterValue();
        }
    }

    private void afterValue() {
        mode = depth == 0 ? Mode.DONE : Mode.AFTER_VALUE;
    }

    private boolean close(char open) {
        if (depth == 0 || stack[depth - 1] != open) {
            return false;
        }
        depth--;
        afterValue();
        return true;
    }

    private void push(char open) {
        if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
        }
        stack[depth++] = open;
    }

    private static boolean ws(char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r';
    }
}
