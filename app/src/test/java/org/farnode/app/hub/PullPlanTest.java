package org.farnode.app.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PullPlanTest {

    private static HubFile file(String path, long size) {
        return new HubFile(path, size, Checksum.sha256("00"));
    }

    @Test
    void takesTheNamedFile() throws Exception {
        List<HubFile> listing = List.of(file("a.gguf", 1), file("b.gguf", 2));
        PullPlan plan = PullPlan.choose(ModelReference.parse("o/n/b.gguf"), listing);
        assertThat(plan.files()).extracting(HubFile::path).containsExactly("b.gguf");
        assertThat(plan.folder()).isFalse();
    }

    @Test
    void namesTheGgufFilesWhenTheNamedOneIsMissing() {
        assertThatThrownBy(() -> PullPlan.choose(ModelReference.parse("o/n/c.gguf"), List.of(file("a.gguf", 1), file("README.md", 1))))
                .hasMessage("file c.gguf not found in o/n (its GGUF files: a.gguf)");
    }

    @Test
    void takesTheOnlyGguf() throws Exception {
        PullPlan plan = PullPlan.choose(ModelReference.parse("o/n"), List.of(file("README.md", 1), file("m.Q8_0.gguf", 5)));
        assertThat(plan.files()).extracting(HubFile::path).containsExactly("m.Q8_0.gguf");
    }

    @Test
    void asksToChooseAmongSeveralGgufs() {
        List<HubFile> ggufs = List.of(file("m.Q4_K_M.gguf", 1), file("m.Q8_0.gguf", 2));
        assertThatThrownBy(() -> PullPlan.choose(ModelReference.parse("o/n"), ggufs))
                .isInstanceOfSatisfying(ModelChoiceNeeded.class, e -> assertThat(e.candidates()).isEqualTo(ggufs))
                .hasMessageContaining("o/n has 2 GGUF files").hasMessageContaining("far model pull o/n/FILE");
    }

    @Test
    void takesASafetensorsModelAsAFolder() throws Exception {
        List<HubFile> listing = List.of(file("config.json", 1), file("tokenizer.json", 1), file("tokenizer_config.json", 1),
                file("generation_config.json", 1), file("model.safetensors.index.json", 1),
                file("model-00001-of-00002.safetensors", 9), file("model-00002-of-00002.safetensors", 9),
                file("README.md", 1), file(".gitattributes", 1), file("original/consolidated.safetensors", 9));
        PullPlan plan = PullPlan.choose(ModelReference.parse("o/n"), listing);
        assertThat(plan.folder()).isTrue();
        assertThat(plan.files()).extracting(HubFile::path).containsExactly("config.json", "tokenizer.json",
                "tokenizer_config.json", "generation_config.json", "model.safetensors.index.json",
                "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
    }

    @Test
    void saysWhenThereIsNoModel() {
        assertThatThrownBy(() -> PullPlan.choose(ModelReference.parse("o/n"), List.of(file("README.md", 1), file("config.json", 1))))
                .hasMessage("o/n has no .gguf file and no config.json with .safetensors weights");
    }
}
