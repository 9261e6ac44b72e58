package dev.abi.inference;

import java.util.List;

/**
 * Renders chat messages into a prompt. Llama 3 and ChatML are built; the template is chosen from the model's
 * {@code tokenizer.chat_template} (by its markers) or by name, and ChatML is the fallback, as in llama.cpp.
 */
public enum ChatTemplate {
    LLAMA3("<|eot_id|>") {
        @Override
        public String render(List<Message> messages) {
            StringBuilder sb = new StringBuilder();
            for (Message m : messages) {
                sb.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                        .append(m.content().strip()).append("<|eot_id|>");
            }
            return sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n").toString();
        }
    },
    CHATML("<|im_end|>") {
        @Override
        public String render(List<Message> messages) {
            StringBuilder sb = new StringBuilder();
            for (Message m : messages) {
                sb.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
            }
            return sb.append("<|im_start|>assistant\n").toString();
        }
    };

    /** One chat message. */
    public record Message(String role, String content) {
    }

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
        if (jinja != null && jinja.contains("<|start_header_id|>")) {
            return LLAMA3;
        }
        return CHATML;
    }
}
