package dev.abi.inference;

import java.util.List;

/**
 * Renders chat messages into a prompt. Llama 3, ChatML, Llama 2 / Mistral v0.1 ({@code [INST]}), Mistral v0.3, Gemma,
 * Phi-3 and Zephyr are built, each rendering what the model's own Jinja template renders with the generation prompt (there is no Jinja
 * engine: each is written out by hand from its template). The template is chosen from the model's
 * {@code tokenizer.chat_template} by its markers, and ChatML is the fallback, as in llama.cpp. The prompt never
 * starts with the BOS token: the caller adds it.
 */
public enum ChatTemplate {
    LLAMA3("<|eot_id|>") {
        @Override
        public String render(List<Message> messages) {
            StringBuilder sb = new StringBuilder();
            for (Message m : messages) {
                sb.append("<|start_header_id|>")
                        .append(m.role())
                        .append("<|end_header_id|>\n\n")
                        .append(m.content().strip())
                        .append("<|eot_id|>");
            }
            return sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n")
                    .toString();
        }
    },
    CHATML("<|im_end|>") {
        @Override
        public String render(List<Message> messages) {
            StringBuilder sb = new StringBuilder();
            for (Message m : messages) {
                sb.append("<|im_start|>")
                        .append(m.role())
                        .append('\n')
                        .append(m.content())
                        .append("<|im_end|>\n");
            }
            return sb.append("<|im_start|>assistant\n").toString();
        }
    },

    /**
     * Llama 2 and Mistral: {@code [INST] ... [/INST]} per user turn; a leading system message goes into the first
     * one between {@code <<SYS>>} markers; an assistant turn is {@code " " + content + " </s>"}, and each later user
     * turn opens with {@code <s>}.
     */
    LLAMA2("</s>") {
        @Override
        public String render(List<Message> messages) {
            StringBuilder sb = new StringBuilder();
            String system = null;
            boolean first = true;
            for (Message m : messages) {
                switch (m.role()) {
                    case "system" -> system = system == null ? m.content() : system + "\n" + m.content();
                    case "assistant" ->
                        sb.append(' ').append(m.content().strip()).append(" </s>");
                    default -> {
                        String content =
                                system == null ? m.content() : "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + m.content();
                        system = null;
                        sb.append(first ? "" : "<s>")
                                .append("[INST] ")
                                .append(content.strip())
                                .append(" [/INST]");
                        first = false;
                    }
                }
            }
            return sb.toString();
        }
    },
    /**
     * Mistral's newer templates (v0.3, and v0.2 as republished with tool support): {@code [INST] content[/INST]} per
     * user turn, content as given and no space before {@code [/INST]}; the system message goes before the last user
     * turn, followed by a blank line, and only when the conversation ends with that turn (as the template's
     * {@code loop.last} test does); an assistant turn is {@code " " + content.trim() + "</s>"}. The template takes one
     * leading system message; here every system message is joined into it, one per line.
     */
    MISTRAL("</s>") {
        @Override
        public String render(List<Message> messages) {
            String system = null;
            for (Message m : messages) {
                if (m.role().equals("system")) {
                    system = system == null ? m.content() : system + "\n" + m.content();
                }
            }
            StringBuilder sb = new StringBuilder();
            List<Message> turns =
                    messages.stream().filter(m -> !m.role().equals("system")).toList();
            for (int i = 0; i < turns.size(); i++) {
                Message m = turns.get(i);
                if (m.role().equals("assistant")) {
                    sb.append(' ').append(m.content().strip()).append("</s>");
                } else if (i == turns.size() - 1 && system != null) {
                    sb.append("[INST] ")
                            .append(system)
                            .append("\n\n")
                            .append(m.content())
                            .append("[/INST]");
                } else {
                    sb.append("[INST] ").append(m.content()).append("[/INST]");
                }
            }
            return sb.toString();
        }
    },
    /**
     * Gemma: {@code <start_of_turn>user|model}; Gemma has no system role, so a system message is put before the
     * first user message, followed by a blank line (as Gemma 3's template does).
     */
    GEMMA("<end_of_turn>") {
        @Override
        public String render(List<Message> messages) {
            StringBuilder sb = new StringBuilder();
            String system = null;
            for (Message m : messages) {
                if (m.role().equals("system")) {
                    system = system == null ? m.content() : system + "\n" + m.content();
                    continue;
                }
                String role = m.role().equals("assistant") ? "model" : m.role();
                String content = system == null || !role.equals("user") ? m.content() : system + "\n\n" + m.content();
                if (role.equals("user")) {
                    system = null;
                }
                sb.append("<start_of_turn>")
                        .append(role)
                        .append('\n')
                        .append(content.strip())
                        .append("<end_of_turn>\n");
            }
            return sb.append("<start_of_turn>model\n").toString();
        }
    },
    /** Phi-3: {@code <|role|>\n content <|end|>\n} per message, then {@code <|assistant|>\n}. */
    PHI3("<|end|>") {
        @Override
        public String render(List<Message> messages) {
            return roleTagged(messages, endOfTurn());
        }
    },
    /** Zephyr: {@code <|role|>\n content </s>\n} per message, then {@code <|assistant|>\n}. */
    ZEPHYR("</s>") {
        @Override
        public String render(List<Message> messages) {
            return roleTagged(messages, endOfTurn());
        }
    };

    /** {@code <|role|>\n content END\n} per message, then {@code <|assistant|>\n}: Phi-3 and Zephyr differ only in END. */
    private static String roleTagged(List<Message> messages, String end) {
        StringBuilder sb = new StringBuilder();
        for (Message m : messages) {
            sb.append("<|")
                    .append(m.role())
                    .append("|>\n")
                    .append(m.content())
                    .append(end)
                    .append('\n');
        }
        return sb.append("<|assistant|>\n").toString();
    }

    /** One chat message. */
    public record Message(String role, String content) {}

    private final String endOfTurn;

    ChatTemplate(String endOfTurn) {
        this.endOfTurn = endOfTurn;
    }

    /** The marker that ends the assistant's turn: generation stops there. */
    public String endOfTurn() {
        return endOfTurn;
    }

    /** The prompt for the assistant's next turn. */
    public abstract String render(List<Message> messages);

    /** The template a model's {@code tokenizer.chat_template} (a Jinja source) stands for; ChatML when unknown. */
    public static ChatTemplate detect(String jinja) {
        if (jinja == null) {
            return CHATML;
        }
        if (jinja.contains("<|start_header_id|>")) {
            return LLAMA3;
        }
        if (jinja.contains("<|im_start|>")) {
            return CHATML;
        }
        if (jinja.contains("<start_of_turn>")) {
            return GEMMA;
        }
        if (jinja.contains("[INST]")) {
            // Llama 2 and Mistral v0.1 write ' [/INST]' with a space; v0.3 writes "[/INST]" right after the content
            boolean spaced = jinja.contains("' [/INST]'") || jinja.contains("\" [/INST]\"");
            return !spaced && (jinja.contains("[AVAILABLE_TOOLS]") || jinja.contains("[/INST]")) ? MISTRAL : LLAMA2;
        }
        if (jinja.contains("<|end|>")) {
            return PHI3;
        }
        if (jinja.contains("<|user|>")) {
            return ZEPHYR;
        }
        return CHATML;
    }
}
