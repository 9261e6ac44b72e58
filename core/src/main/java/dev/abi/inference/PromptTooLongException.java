package dev.abi.inference;

/**
 * An input longer than the model reads: a prompt that leaves no room for a generated token, or an embedding input
 * over the model's context. {@link #param()} names the request field.
 */
public final class PromptTooLongException extends RuntimeException {

    private final String param;

    public PromptTooLongException(int promptTokens, int context) {
        this(
                "the prompt is " + promptTokens + " tokens; the model's context is " + context
                        + " tokens, and at least one must be left for the reply",
                "messages");
    }

    public PromptTooLongException(String message, String param) {
        super(message);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
