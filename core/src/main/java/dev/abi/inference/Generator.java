package dev.abi.inference;

import dev.abi.budget.Cancellation;
import dev.abi.budget.RequestCancelledException;
import dev.abi.telemetry.InferenceMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a prompt through a model and generates, handing each piece of text to a callback as soon as it is final (a
 * piece that could still turn into a stop sequence is held back until it cannot).
 */
public final class Generator {

    /** Receives generated text as it is produced. */
    @FunctionalInterface
    public interface TokenListener {
        void onText(String text);

        /**
         * Receives a piece of text with the log probabilities of the tokens generated since the last piece (empty
         * unless the generator was made {@link #withLogprobs}); the default hands the text to {@link #onText}.
         */
        default void onText(String text, List<TokenLogprob> logprobs) {
            onText(text);
        }
    }

    /** Why generation ended, in OpenAI's terms. */
    public enum FinishReason {
        STOP,
        LENGTH
    }

    /**
     * The whole result; {@code logprobs} holds one entry per generated token (the end-of-sequence token excluded)
     * when the generator was made {@link #withLogprobs}, else it is empty.
     */
    public record Result(
            String text,
            int promptTokens,
            int completionTokens,
            FinishReason finishReason,
            List<TokenLogprob> logprobs) {
        public Result(String text, int promptTokens, int completionTokens, FinishReason finishReason) {
            this(text, promptTokens, completionTokens, finishReason, List.of());
        }
    }

    private final LlamaModel model;
    private final int topLogprobs;
    private final TokenConstraint.Factory constraint;

    public Generator(LlamaModel model) {
        this(model, -1, null);
    }

    private Generator(LlamaModel model, int topLogprobs, TokenConstraint.Factory constraint) {
        this.model = model;
        this.topLogprobs = topLogprobs;
        this.constraint = constraint;
    }

    /**
     * A generator whose output is one JSON object ({@link JsonConstraint}): every token keeps the text a prefix of
     * one, and the object is closed within {@code maxTokens} whenever that allows one at all.
     */
    public Generator jsonObject() {
        return constrained(TokenConstraint.jsonObject());
    }

    /** A generator whose every sampled token is one that {@code factory}'s constraint allows. */
    public Generator constrained(TokenConstraint.Factory factory) {
        return new Generator(model, topLogprobs, factory);
    }

    /**
     * A generator that also reports each token's log probability and the {@code top} most likely alternatives
     * (0 for none); it copies the logits once per token to do so.
     */
    public Generator withLogprobs(int top) {
        if (top < 0) {
            throw new IllegalArgumentException("top must be >= 0, got " + top);
        }
        return new Generator(model, top, constraint);
    }

    /**
     * @param prompt token ids, BOS included where the model wants it
     * @throws PromptTooLongException when the prompt does not fit the context
     */
    public Result generate(int[] prompt, SamplingParams params, TokenListener listener) {
        return generate(prompt, params, listener, Cancellation.NONE);
    }

    /**
     * As {@link #generate(int[], SamplingParams, TokenListener)}, checking {@code cancellation} before the prompt is
     * read and before each next token is computed.
     *
     * @throws RequestCancelledException once {@code cancellation} is set; the token being computed is finished first
     */
    public Result generate(int[] prompt, SamplingParams params, TokenListener listener, Cancellation cancellation) {
        int context = model.config().contextLength();
        if (prompt.length == 0 || prompt.length >= context) {
            throw new PromptTooLongException(prompt.length, context);
        }
        cancellation.throwIfCancelled("reading the prompt");
        LlamaSession session = model.newSession();
        Sampler sampler = new Sampler(params);
        int[] history = new int[context];
        System.arraycopy(prompt, 0, history, 0, prompt.length);
        int length = prompt.length;
        long phaseStart = System.nanoTime();
        float[] logits = session.prefill(prompt);
        InferenceMetrics.prompt(prompt.length, phaseStart);
        phaseStart = System.nanoTime();
        int count = 0; // tokens generated
        Vocabulary vocab = model.vocabulary();
        Vocabulary.Decoder decoder = vocab.decoder();
        CharSequence text = decoder.text(); // the generated text so far, a live view
        int emitted = 0; // characters of it handed to the listener (or kept back for good)
        int reported = 0; // logprobs handed to the listener so far
        FinishReason reason = FinishReason.LENGTH;
        List<TokenLogprob> logprobs = new ArrayList<>();
        TokenConstraint constraint = this.constraint == null ? null : this.constraint.create(vocab, params.stop());
        while (count < params.maxTokens()) {
            float[] raw = topLogprobs >= 0 ? logits.clone() : null; // the sampler changes logits in place
            if (constraint != null
                    && !constraint.mask(logits, Math.min(params.maxTokens() - count, context - length))) {
                break; // no token fits: the budget was too small for any object
            }
            int next = sampler.sample(logits, history, length);
            if (constraint != null) {
                constraint.accept(next);
            }
            if (next == vocab.eos()) {
                reason = FinishReason.STOP;
                break;
            }
            if (raw != null) {
                logprobs.add(TokenLogprob.of(raw, next, topLogprobs));
            }
            count++;
            history[length++] = next;
            decoder.append(next);
            int stopAt = firstStop(text, params.stop());
            if (stopAt >= 0) {
                int end = Math.max(emitted, stopAt);
                emit(listener, text, emitted, end, logprobs, reported);
                InferenceMetrics.generation(count, phaseStart);
                return new Result(
                        text.subSequence(0, end).toString(),
                        prompt.length,
                        count,
                        FinishReason.STOP,
                        List.copyOf(logprobs));
            }
            int safe = text.length() - heldBack(text, params.stop());
            if (safe > emitted) {
                reported = emit(listener, text, emitted, safe, logprobs, reported);
                emitted = safe;
            }
            if (length >= context) {
                break;
            }
            if (cancellation.isCancelled()) { // the message is built only then: nothing allocated per token
                throw new RequestCancelledException("generated token " + (count + 1));
            }
            logits = session.forward(next);
        }
        if (text.length() > emitted) {
            emit(listener, text, emitted, text.length(), logprobs, reported);
        }
        InferenceMetrics.generation(count, phaseStart);
        return new Result(text.toString(), prompt.length, count, reason, List.copyOf(logprobs));
    }

    /**
     * Hands {@code text[from, to)} on with the log probabilities not handed on yet; returns how many are handed on now.
     */
    private static int emit(
            TokenListener listener, CharSequence text, int from, int to, List<TokenLogprob> logprobs, int reported) {
        if (listener == null || to <= from) {
            return reported;
        }
        listener.onText(
                text.subSequence(from, to).toString(), List.copyOf(logprobs.subList(reported, logprobs.size())));
        return logprobs.size();
    }

    private static int firstStop(CharSequence text, List<String> stops) {
        int best = -1;
        for (String s : stops) {
            int at = indexOf(text, s);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** How many trailing characters could be the start of a stop sequence. */
    private static int heldBack(CharSequence text, List<String> stops) {
        int hold = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, text.length()); k > hold; k--) {
                if (endsWithPrefix(text, s, k)) {
                    hold = k;
                    break;
                }
            }
        }
        return hold;
    }

    /** Where {@code s} first occurs in {@code text}, or -1 (as {@link String#indexOf(String)}, without a copy). */
    private static int indexOf(CharSequence text, String s) {
        return text instanceof StringBuilder b ? b.indexOf(s) : text.toString().indexOf(s);
    }

    /** Whether {@code text} ends with the first {@code k} characters of {@code s}. */
    private static boolean endsWithPrefix(CharSequence text, String s, int k) {
        int at = text.length() - k;
        for (int i = 0; i < k; i++) {
            if (text.charAt(at + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
