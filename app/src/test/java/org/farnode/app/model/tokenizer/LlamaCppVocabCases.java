package org.farnode.app.model.tokenizer;

import org.farnode.app.testing.SharedData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * llama.cpp's test-tokenizer-0 cases in the shared test data: {@code X.gguf.inp} holds the inputs,
 * each followed by {@value #SEPARATOR_TEXT}, and {@code X.gguf.out} one line of expected ids per
 * input (Hugging Face ids without BOS/EOS, each written as a space and the number).
 */
final class LlamaCppVocabCases {
    static final String DIR = "testdata/tokenizers/";
    private static final String SEPARATOR_TEXT = "\\n__ggml_vocab_test__\\n";
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    private LlamaCppVocabCases() {
    }

    record Case(String input, int[] ids) {
    }

    /** The cases of {@code llama.cpp/<vocab>.gguf.inp/.out}, e.g. {@code vocab = "ggml-vocab-gpt-2"}. */
    static List<Case> of(String vocab) throws IOException {
        Path inp = SharedData.require(DIR + "llama.cpp/" + vocab + ".gguf.inp");
        Path out = SharedData.require(DIR + "llama.cpp/" + vocab + ".gguf.out");
        String inputs = Files.readString(inp, StandardCharsets.UTF_8);
        assertThat(inputs).endsWith(SEPARATOR);
        String[] texts = inputs.substring(0, inputs.length() - SEPARATOR.length()).split(Pattern.quote(SEPARATOR), -1);
        List<String> lines = Files.readAllLines(out, StandardCharsets.US_ASCII);
        assertThat(lines).hasSameSizeAs(texts);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            String line = lines.get(i).trim();
            int[] ids = line.isEmpty() ? new int[0] : Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray();
            cases.add(new Case(texts[i], ids));
        }
        return cases;
    }

    /**
     * One line per case whose encoding differs from the expected ids; empty when all match. The
     * description of the assertion that uses it should say how many matched.
     */
    static List<String> mismatches(Tokenizer tokenizer, List<Case> cases) {
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            int[] actual = tokenizer.encode(c.input);
            if (!Arrays.equals(actual, c.ids)) {
                failures.add(quote(c.input) + ": expected " + Arrays.toString(c.ids) + " but got " + Arrays.toString(actual));
            }
        }
        return failures;
    }

    /** {@code ids} decoded one at a time through a {@link StreamingDecoder}. */
    static String decodeStreaming(Tokenizer tokenizer, int[] ids) {
        StreamingDecoder decoder = tokenizer.streamingDecoder();
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            text.append(decoder.accept(id));
        }
        return text.append(decoder.flush()).toString();
    }

    /** {@code text} in quotes with control characters escaped, for readable failure messages. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.append('"').toString();
    }
}
