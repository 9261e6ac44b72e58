package dev.abi.inference;

/** A prompt that does not leave room for one generated token in the model's context. */
public final class PromptTooLongException extends RuntimeException {

    public PromptTooLongException(int promptTokens, int context) {
        super("the prompt is " + promptTokens + " tokens; the model's context is " + context
                + " tokens, and at least one must be left for the reply");
    }
}
