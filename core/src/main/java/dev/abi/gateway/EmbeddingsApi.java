package dev.abi.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.abi.budget.BudgetExceededException;
import dev.abi.budget.ComputeBudget;
import dev.abi.gateway.auth.Role;
import dev.abi.inference.Embedder;
import dev.abi.inference.ModelRegistry;
import dev.abi.inference.PromptTooLongException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code POST /v1/embeddings}, OpenAI-compatible: {@code input} a string or an array of up to
 * {@link ComputeBudget#maxEmbeddingInputs()} strings, {@code encoding_format} {@code float} (default) or
 * {@code base64} (little-endian float32), {@code usage} counting the tokens the model read. The tokens of all inputs
 * together are held to {@link ComputeBudget#maxEmbeddingTokens()} before the model runs. Inputs are embedded in
 * batches of {@link #BATCH}; between batches the request's {@link HttpRequest#cancellation()} is checked, so a client
 * that went away stops the work. Errors come in OpenAI's shape.
 */
final class EmbeddingsApi {

    /** How many inputs go through the model together. */
    static final int BATCH = 32;

    private final ModelRegistry models;
    private final ComputeBudget budget;

    EmbeddingsApi(ModelRegistry models, ComputeBudget budget) {
        this.models = models;
        this.budget = budget;
    }

    void register(Router router) {
        router.add("POST", "/v1/embeddings", Role.READ, Router.Dialect.OPENAI, (r, p) -> {
            try {
                return embed(r);
            } catch (RuntimeException e) {
                return OpenAiErrors.toResponse(e);
            }
        });
    }

    private HttpResponse embed(HttpRequest request) {
        JsonNode body = JsonBodies.parseObject(request.body());
        JsonNode modelNode = JsonBodies.required(body, "model", "model");
        if (!modelNode.isTextual()) {
            throw new ValidationException("model", "must be a string");
        }
        List<String> inputs = inputs(JsonBodies.required(body, "input", "input"), budget.maxEmbeddingInputs());
        String format = body.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw new ValidationException("encoding_format", "must be float or base64, got '" + format + "'");
        }
        Embedder embedder = models.embedder(modelNode.textValue());
        JsonNode dims = body.get("dimensions");
        if (dims != null && !dims.isNull() && dims.asInt() != embedder.dimension()) {
            throw new ValidationException(
                    "dimensions",
                    "model '" + embedder.name() + "' gives " + embedder.dimension()
                            + " dimensions; shortening is not supported");
        }
        List<int[]> tokens = new ArrayList<>(inputs.size());
        long promptTokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            int count = embedder.countTokens(inputs.get(i)) + 2;
            if (count > embedder.maxTokens()) {
                throw new PromptTooLongException(
                        "input[" + i + "] has " + count + " tokens; model '" + embedder.name() + "' reads at most "
                                + embedder.maxTokens(),
                        "input");
            }
            if (promptTokens + count > budget.maxEmbeddingTokens()) {
                throw new BudgetExceededException(
                        "input",
                        "inputs 0 to " + i + " already hold " + (promptTokens + count)
                                + " tokens; one request may embed at most " + budget.maxEmbeddingTokens()
                                + " tokens in all; split the inputs over several requests",
                        budget.maxEmbeddingTokens());
            }
            int[] ids = embedder.tokenize(inputs.get(i));
            tokens.add(ids);
            promptTokens += ids.length;
        }
        float[][] vectors = new float[inputs.size()][];
        for (int from = 0; from < tokens.size(); from += BATCH) {
            request.cancellation().throwIfCancelled("embedding input[" + from + "]");
            int to = Math.min(tokens.size(), from + BATCH);
            float[][] part = embedder.embedTokens(tokens.subList(from, to));
            System.arraycopy(part, 0, vectors, from, part.length);
        }
        long usage = promptTokens;
        return VectorApi.json(200, g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int i = 0; i < vectors.length; i++) {
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i);
                if (format.equals("base64")) {
                    ByteBuffer b = ByteBuffer.allocate(vectors[i].length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(vectors[i]);
                    g.writeStringField("embedding", Base64.getEncoder().encodeToString(b.array()));
                } else {
                    g.writeArrayFieldStart("embedding");
                    for (float f : vectors[i]) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", embedder.name());
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", usage);
            g.writeNumberField("total_tokens", usage);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private static List<String> inputs(JsonNode input, int maxInputs) {
        List<String> out = new ArrayList<>();
        if (input.isTextual()) {
            out.add(input.textValue());
        } else if (input.isArray()) {
            if (input.isEmpty()) {
                throw new ValidationException("input", "must hold at least one string");
            }
            if (input.size() > maxInputs) {
                throw new ValidationException(
                        "input", "holds " + input.size() + " inputs; the limit is " + maxInputs + " per request");
            }
            for (int i = 0; i < input.size(); i++) {
                JsonNode s = input.get(i);
                if (!s.isTextual()) {
                    throw new ValidationException(
                            "input[" + i + "]", "must be a string (token arrays are not" + " supported)");
                }
                out.add(s.textValue());
            }
        } else {
            throw new ValidationException("input", "must be a string or an array of strings");
        }
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).isEmpty()) {
                throw new ValidationException(
                        out.size() == 1 && input.isTextual() ? "input" : "input[" + i + "]", "must not be empty");
            }
        }
        return out;
    }
}
