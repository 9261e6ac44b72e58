package dev.abi.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each chat template renders what its model's Jinja template renders with the generation prompt, for one
 * conversation of a system message, a user turn, an assistant turn and a second user turn. The expected strings are
 * written out by hand from the templates' text (literal strings, {@code trim}/{@code strip} calls, and the
 * {@code trim_blocks} rendering Transformers uses), without the leading BOS, which the caller adds.
 */
class ChatTemplateTest {

    private static final List<ChatTemplate.Message> CONVERSATION = List.of(
            new ChatTemplate.Message("system", "Be brief."),
            new ChatTemplate.Message("user", "Hi there "),
            new ChatTemplate.Message("assistant", " Hello."),
            new ChatTemplate.Message("user", "Tell a story."));

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {
                "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>' }} => LLAMA3",
                "{{ '<|im_start|>' + message['role'] + '\\n' }} => CHATML",
                "{{ '<start_of_turn>' + role + '\\n' }} => GEMMA",
                "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }} => LLAMA2",
                "{{ '[INST] ' + message['content'] + ' [/INST]' }} => LLAMA2",
                "{{- \"[INST] \" + message[\"content\"] + \"[/INST]\" }} => MISTRAL",
                "{%- if tools is not none %}{{- \"[AVAILABLE_TOOLS] [\" }}{%- endif %}{{- \"[INST] \" }} => MISTRAL",
                "{{ '<|user|>\\n' + message['content'] + '<|end|>\\n' }} => PHI3",
                "{{ '<|user|>\\n' + message['content'] + eos_token }} => ZEPHYR",
                "{{ message['content'] }} => CHATML"
            })
    void detectsTheTemplateFromItsMarkers(String jinja, ChatTemplate expected) {
        assertEquals(expected, ChatTemplate.detect(jinja));
    }

    @Test
    void noTemplateIsChatMl() {
        assertEquals(ChatTemplate.CHATML, ChatTemplate.detect(null));
    }

    @Test
    void llama2AndMistralPutTheSystemMessageInTheFirstInstruction() {
        assertEquals(
                "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi there [/INST] Hello. </s><s>[INST] Tell a story. [/INST]",
                ChatTemplate.LLAMA2.render(CONVERSATION));
        assertEquals("</s>", ChatTemplate.LLAMA2.endOfTurn());
    }

    /**
     * Mistral v0.3's template (Mistral-7B-Instruct-v0.3's {@code tokenizer_config.json}): a leading system message is
     * set aside; each user turn renders as the literal {@code "[INST] "}, the content untouched, and the literal
     * {@code "[/INST]"} (no space), except that when the turn is the loop's last and a system message was set aside,
     * the system text and {@code "\n\n"} come before the content; an assistant turn is a space, the trimmed content,
     * and the EOS token.
     */
    @Test
    void mistralV3PutsTheSystemMessageBeforeTheLastUserTurnWithNoSpaceBeforeTheClosingTag() {
        assertEquals(
                "[INST] Hi there [/INST] Hello.</s>[INST] Be brief.\n\nTell a story.[/INST]",
                ChatTemplate.MISTRAL.render(CONVERSATION));
        assertEquals(
                "[INST] Hi there [/INST] Hello.</s>[INST] Tell a story.[/INST]",
                ChatTemplate.MISTRAL.render(CONVERSATION.subList(1, 4)),
                "without a system message");
        assertEquals("[INST] Be brief.\n\nHi there [/INST]", ChatTemplate.MISTRAL.render(CONVERSATION.subList(0, 2)));
        assertEquals("</s>", ChatTemplate.MISTRAL.endOfTurn());
    }

    @Test
    void gemmaCallsTheAssistantModelAndPrefixesTheSystemMessageToTheFirstUserTurn() {
        assertEquals(
                "<start_of_turn>user\nBe brief.\n\nHi there<end_of_turn>\n"
                        + "<start_of_turn>model\nHello.<end_of_turn>\n"
                        + "<start_of_turn>user\nTell a story.<end_of_turn>\n"
                        + "<start_of_turn>model\n",
                ChatTemplate.GEMMA.render(CONVERSATION));
        assertEquals("<end_of_turn>", ChatTemplate.GEMMA.endOfTurn());
    }

    @Test
    void phi3EndsEveryMessageWithEnd() {
        assertEquals(
                "<|system|>\nBe brief.<|end|>\n<|user|>\nHi there <|end|>\n<|assistant|>\n Hello.<|end|>\n"
                        + "<|user|>\nTell a story.<|end|>\n<|assistant|>\n",
                ChatTemplate.PHI3.render(CONVERSATION));
        assertEquals("<|end|>", ChatTemplate.PHI3.endOfTurn());
    }

    @Test
    void zephyrEndsEveryMessageWithEos() {
        assertEquals(
                "<|system|>\nBe brief.</s>\n<|user|>\nHi there </s>\n<|assistant|>\n Hello.</s>\n"
                        + "<|user|>\nTell a story.</s>\n<|assistant|>\n",
                ChatTemplate.ZEPHYR.render(CONVERSATION));
        assertEquals("</s>", ChatTemplate.ZEPHYR.endOfTurn());
    }

    @Test
    void chatMlAndLlama3AreUnchanged() {
        assertEquals(
                "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi there <|im_end|>\n"
                        + "<|im_start|>assistant\n Hello.<|im_end|>\n<|im_start|>user\nTell a story.<|im_end|>\n"
                        + "<|im_start|>assistant\n",
                ChatTemplate.CHATML.render(CONVERSATION));
        assertEquals(
                "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nTell a story.<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                ChatTemplate.LLAMA3.render(CONVERSATION));
    }
}
