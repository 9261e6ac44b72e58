package dev.abi.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.abi.budget.BudgetExceededException;
import dev.abi.budget.ComputeBudget;
import dev.abi.gateway.auth.Role;
import dev.abi.inference.ChatTemplate;
import dev.abi.inference.Generator;
import dev.abi.inference.ModelRegistry;
import dev.abi.inference.PromptTooLongException;
import dev.abi.inference.SamplingParams;
import dev.abi.inference.TokenConstraint;
import dev.abi.inference.TokenLogprob;
import dev.abi.inference.UnknownModelException;
import dev.abi.inference.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The OpenAI-compatible routes: {@code GET /v1/models}, {@code POST /v1/completions} and
 * {@code POST /v1/chat/completions}, with {@code "stream":true} as server-sent events ({@code data: {chunk}} lines
 * and a final {@code data: [DONE]}). Errors come in OpenAI's shape ({@link OpenAiErrors}). Prompts are held to the
 * {@link ComputeBudget}'s message count and characters before they are tokenized, and generation stops between tokens
 * once the request's {@link HttpRequest#cancellation()} is set.
 */
final class InferenceApi {

    private final ModelRegistry models;
    private final ComputeBudget budget;

    InferenceApi(ModelRegistry models, ComputeBudget budget) {
        this.models = models;
        this.budget = budget;
    }

    void register(Router router) {
        Router.Dialect openAi = Router.Dialect.OPENAI;
        router.add("GET", "/v1/models", Role.READ, openAi, (r, p) -> guarded(this::listModels, r))
                .add("GET", "/v1/models/{id}", Role.READ, openAi, (r, p) -> guarded(req -> model(p.get("id")), r))
                .add("POST", "/v1/completions", Role.READ, openAi, (r, p) -> guarded(req -> complete(req, false), r))
                .add(
                        "POST",
                        "/v1/chat/completions",
                        Role.READ,
                        openAi,
                        (r, p) -> guarded(req -> complete(req, true), r));
    }

    private interface Handler {
        HttpResponse handle(HttpRequest request);
    }

    private static HttpResponse guarded(Handler handler, HttpRequest request) {
        try {
            return handler.handle(request);
        } catch (RuntimeException e) {
            return OpenAiErrors.toResponse(e);
        }
    }

    private HttpResponse listModels(HttpRequest request) {
        List<String> names = models.names();
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (String n : names) {
                writeModel(g, n);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code GET /v1/models/{id}}: the model object, or 404 {@code model_not_found}. */
    private HttpResponse model(String id) {
        List<String> names = models.names();
        if (!names.contains(id)) {
            throw new UnknownModelException(id, names);
        }
        return VectorApi.json(200, g -> writeModel(g, id));
    }

    private static void writeModel(JsonGenerator g, String id) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "model");
        g.writeNumberField("created", 0);
        g.writeStringField("owned_by", "abi");
        g.writeEndObject();
    }

    private HttpResponse complete(HttpRequest request, boolean chat) {
        JsonNode body = JsonBodies.parseObject(request.body());
        JsonNode modelNode = JsonBodies.required(body, "model", "model");
        if (!modelNode.isTextual()) {
            throw new ValidationException("model", "must be a string");
        }
        OpenAiRequestChecks.check(body);
        TokenConstraint.Factory format = OpenAiRequestChecks.responseFormat(body);
        ModelRegistry.Loaded model = models.get(modelNode.textValue());
        List<String> stop = new ArrayList<>(stops(body.get("stop")));
        int[] prompt;
        if (chat) {
            ChatTemplate template = model.chatTemplate();
            String rendered = template.render(messages(body.get("messages"), budget));
            stop.add(template.endOfTurn());
            prompt = withBos(model, model.tokenizer().encodeWithSpecials(rendered));
        } else {
            JsonNode p = JsonBodies.required(body, "prompt", "prompt");
            if (!p.isTextual()) {
                throw new ValidationException("prompt", "must be a string (arrays of prompts are not supported)");
            }
            if (p.textValue().length() > budget.maxPromptChars()) {
                throw new BudgetExceededException(
                        "prompt",
                        "is " + p.textValue().length() + " characters; the limit is " + budget.maxPromptChars(),
                        budget.maxPromptChars());
            }
            prompt = withBos(model, model.tokenizer().encode(p.textValue()));
        }
        int context = model.model().config().contextLength();
        if (prompt.length >= context) {
            throw new PromptTooLongException(prompt.length, context);
        }
        int defaultMax = chat ? context - prompt.length : 16;
        int maxTokens = JsonBodies.intInRange(
                body,
                body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens",
                "max_tokens",
                Math.min(defaultMax, context - prompt.length),
                1,
                context);
        SamplingParams params;
        try {
            params = new SamplingParams(
                    number(body, "temperature", 1f),
                    (int) number(body, "top_k", 0),
                    number(body, "top_p", 1f),
                    number(body, "min_p", 0f),
                    number(body, "repetition_penalty", 1f),
                    number(body, "frequency_penalty", 0f),
                    number(body, "presence_penalty", 0f),
                    64,
                    body.has("seed") ? body.get("seed").asLong() : System.nanoTime(),
                    maxTokens,
                    stop);
        } catch (IllegalArgumentException e) {
            String field = e.getMessage().split(" ")[0];
            throw new ValidationException(field, e.getMessage());
        }
        boolean stream = JsonBodies.bool(body, "stream", "stream", false);
        boolean includeUsage = includeUsage(body.get("stream_options"), stream);
        int topLogprobs = OpenAiRequestChecks.topLogprobs(body, chat);
        String id =
                (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        Generator plain =
                topLogprobs < 0 ? new Generator(model.model()) : new Generator(model.model()).withLogprobs(topLogprobs);
        Generator generator = format == null ? plain : plain.constrained(format);
        if (!stream) {
            Generator.Result r = generator.generate(prompt, params, null, request.cancellation());
            Vocabulary vocab = model.model().vocabulary();
            return VectorApi.json(
                    200, g -> writeCompletion(g, chat, id, created, model.name(), r, topLogprobs < 0 ? null : vocab));
        }
        int[] promptIds = prompt;
        Vocabulary vocab = topLogprobs < 0 ? null : model.model().vocabulary();
        return HttpResponse.streaming(
                200, Map.of("Content-Type", "text/event-stream", "Cache-Control", "no-cache"), sink -> {
                    if (chat) {
                        sink.accept(event(chunk(chat, id, created, model.name(), null, true, null, null)));
                    }
                    try {
                        StreamedLogprobs streamed = new StreamedLogprobs(chat, vocab);
                        Generator.Result r = generator.generate(
                                promptIds,
                                params,
                                new Generator.TokenListener() {
                                    @Override
                                    public void onText(String text) {
                                        onText(text, List.of());
                                    }

                                    @Override
                                    public void onText(String text, List<TokenLogprob> logprobs) {
                                        sink.accept(event(chunk(
                                                chat,
                                                id,
                                                created,
                                                model.name(),
                                                text,
                                                false,
                                                null,
                                                streamed.next(logprobs))));
                                    }
                                },
                                request.cancellation());
                        // tokens of a stop sequence were generated but not streamed: their logprobs end the stream
                        sink.accept(event(chunk(
                                chat, id, created, model.name(), null, false, finish(r), streamed.rest(r.logprobs()))));
                        if (includeUsage) {
                            sink.accept(event(usageChunk(chat, id, created, model.name(), r)));
                        }
                    } catch (RuntimeException e) {
                        sink.accept(event(new String(OpenAiErrors.toResponse(e).body(), StandardCharsets.UTF_8)));
                    }
                    sink.accept("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                });
    }

    private static int[] withBos(ModelRegistry.Loaded model, int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = model.model().vocabulary().bos();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    private static List<ChatTemplate.Message> messages(JsonNode node, ComputeBudget budget) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new ValidationException("messages", "must be a non-empty array of {\"role\",\"content\"}");
        }
        if (node.size() > budget.maxMessages()) {
            throw new BudgetExceededException(
                    "messages",
                    "holds " + node.size() + " messages; the limit is " + budget.maxMessages(),
                    budget.maxMessages());
        }
        long chars = 0;
        List<ChatTemplate.Message> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (role == null
                    || !role.isTextual()
                    || !List.of("system", "developer", "user", "assistant").contains(role.textValue())) {
                throw new ValidationException(
                        "messages[" + i + "].role", "must be system, developer, user or" + " assistant");
            }
            String text = OpenAiRequestChecks.content(content, "messages[" + i + "].content");
            chars += text.length();
            if (chars > budget.maxPromptChars()) {
                throw new BudgetExceededException(
                        "messages",
                        "messages[0] to [" + i + "] already hold " + chars + " characters of content; the limit is "
                                + budget.maxPromptChars(),
                        budget.maxPromptChars());
            }
            // OpenAI's developer role is the system role of the models served here
            out.add(new ChatTemplate.Message(role.textValue().equals("developer") ? "system" : role.textValue(), text));
        }
        return out;
    }

    private static List<String> stops(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.textValue());
        } else if (node.isArray() && node.size() <= 4) {
            for (JsonNode s : node) {
                if (!s.isTextual() || s.textValue().isEmpty()) {
                    throw new ValidationException("stop", "must hold non-empty strings");
                }
                out.add(s.textValue());
            }
        } else {
            throw new ValidationException("stop", "must be a string or an array of up to 4 strings");
        }
        return out;
    }

    private static float number(JsonNode body, String field, float dflt) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw new ValidationException(field, "must be a number");
        }
        return n.floatValue();
    }

    private static String finish(Generator.Result r) {
        return r.finishReason() == Generator.FinishReason.STOP ? "stop" : "length";
    }

    private static void writeCompletion(
            JsonGenerator g,
            boolean chat,
            String id,
            long created,
            String model,
            Generator.Result r,
            Vocabulary logprobs)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", chat ? "chat.completion" : "text_completion");
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        if (chat) {
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            g.writeStringField("content", r.text());
            g.writeEndObject();
            if (logprobs == null) {
                g.writeNullField("logprobs");
            } else {
                Logprobs.writeChat(g, r.logprobs(), logprobs);
            }
        } else {
            g.writeStringField("text", r.text());
            if (logprobs == null) {
                g.writeNullField("logprobs");
            } else {
                Logprobs.writeCompletion(g, r.logprobs(), logprobs);
            }
        }
        g.writeStringField("finish_reason", finish(r));
        g.writeEndObject();
        g.writeEndArray();
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", r.promptTokens());
        g.writeNumberField("completion_tokens", r.completionTokens());
        g.writeNumberField("total_tokens", r.promptTokens() + r.completionTokens());
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * The logprobs of a stream, chunk by chunk: what each chunk carries, the characters before it (completions'
     * {@code text_offset}), and at the end what no chunk carried.
     */
    private static final class StreamedLogprobs {
        private final boolean chat;
        private final Vocabulary vocab;
        private int sent;
        private int offset;

        StreamedLogprobs(boolean chat, Vocabulary vocab) {
            this.chat = chat;
            this.vocab = vocab;
        }

        /** The {@code logprobs} of a chunk with these tokens; null when none were asked for. */
        JsonNode next(List<TokenLogprob> tokens) {
            if (vocab == null) {
                return null;
            }
            JsonNode node = Logprobs.chunk(chat, tokens, vocab, offset);
            sent += tokens.size();
            offset += Logprobs.length(tokens, vocab);
            return node;
        }

        /** The {@code logprobs} of the last chunk: those of the whole result that no chunk carried. */
        JsonNode rest(List<TokenLogprob> all) {
            return vocab == null || sent >= all.size() ? null : next(all.subList(sent, all.size()));
        }
    }

    private static String chunk(
            boolean chat,
            String id,
            long created,
            String model,
            String piece,
            boolean roleOnly,
            String finishReason,
            JsonNode logprobs) {
        ObjectNode n = JsonBodies.MAPPER.createObjectNode();
        n.put("id", id)
                .put("object", chat ? "chat.completion.chunk" : "text_completion")
                .put("created", created)
                .put("model", model);
        ObjectNode choice = n.putArray("choices").addObject().put("index", 0);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (roleOnly) {
                delta.put("role", "assistant");
            } else if (piece != null) {
                delta.put("content", piece);
            }
        } else {
            choice.put("text", piece == null ? "" : piece);
        }
        if (logprobs != null) {
            choice.set("logprobs", logprobs);
        } else {
            choice.putNull("logprobs");
        }
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        try {
            return JsonBodies.MAPPER.writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code stream_options}: only with {@code stream}, an object whose {@code include_usage} is a boolean. */
    private static boolean includeUsage(JsonNode options, boolean stream) {
        if (options == null || options.isNull()) {
            return false;
        }
        if (!stream) {
            throw new ValidationException("stream_options", "is only allowed when stream is true");
        }
        if (!options.isObject()) {
            throw new ValidationException("stream_options", "must be an object");
        }
        return JsonBodies.bool(options, "include_usage", "stream_options.include_usage", false);
    }

    /** The last chunk of a stream with {@code include_usage}: no choices, and the usage of the whole request. */
    private static String usageChunk(boolean chat, String id, long created, String model, Generator.Result r) {
        ObjectNode n = JsonBodies.MAPPER.createObjectNode();
        n.put("id", id)
                .put("object", chat ? "chat.completion.chunk" : "text_completion")
                .put("created", created)
                .put("model", model);
        n.putArray("choices");
        n.putObject("usage")
                .put("prompt_tokens", r.promptTokens())
                .put("completion_tokens", r.completionTokens())
                .put("total_tokens", r.promptTokens() + r.completionTokens());
        return n.toString();
    }

    private static byte[] event(String json) {
        return ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
