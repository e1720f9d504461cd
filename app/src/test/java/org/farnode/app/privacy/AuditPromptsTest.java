package org.farnode.app.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuditPromptsTest {
    private static final String FIRST = "Once upon a time, there was a little girl named Mia. She had a red ball that she loved very much.";
    private static final String SECOND = "Tom liked to build towers.";
    private static LoadedModel model;

    @BeforeAll
    static void open() throws Exception {
        model = LoadedModel.open(Stories260K.gguf(), null);
    }

    @AfterAll
    static void close() throws Exception {
        model.close();
    }

    @Test
    void eachParagraphIsCutIntoPromptsThatStartWithBosTakenFirstPiecesFirst() {
        int[] first = model.tokenizer().encode(FIRST);
        int[] second = model.tokenizer().encode(SECOND);
        assertThat(first.length).as("the first paragraph needs several prompts of 15 text tokens").isGreaterThan(30);
        assertThat(second.length).as("the second fits in one").isLessThan(15);
        AuditPrompts prompts = AuditPrompts.of(model.tokenizer(), FIRST + "\n\n" + SECOND + "\n", 16, 1000);
        List<int[]> list = prompts.prompts();
        int bos = model.tokenizer().bosId();
        assertThat(list).allSatisfy(p -> assertThat(p[0]).isEqualTo(bos)).allSatisfy(p -> assertThat(p.length).isLessThanOrEqualTo(16));
        // first pieces of both paragraphs, then the first paragraph's second piece
        assertThat(java.util.Arrays.copyOfRange(list.get(0), 1, 16)).containsExactly(java.util.Arrays.copyOf(first, 15));
        assertThat(java.util.Arrays.copyOfRange(list.get(1), 1, list.get(1).length)).containsExactly(second);
        assertThat(java.util.Arrays.copyOfRange(list.get(2), 1, 16)).containsExactly(java.util.Arrays.copyOfRange(first, 15, 30));
        assertThat(prompts.positions()).isEqualTo(first.length + second.length);
        assertThat(prompts.description()).contains(list.size() + " prompts").contains("2 paragraphs").contains("BOS + 15");
    }

    @Test
    void aBoundOnPositionsShortensTheLastPrompt() {
        AuditPrompts prompts = AuditPrompts.of(model.tokenizer(), FIRST + "\n\n" + SECOND + "\n", 16, 20);
        assertThat(prompts.positions()).isEqualTo(20);
        assertThat(prompts.prompts()).hasSize(2);
        assertThat(prompts.prompts().get(0)).hasSize(16);
        assertThat(prompts.prompts().get(1)).as("BOS and the 5 positions left").hasSize(6);
    }
}
