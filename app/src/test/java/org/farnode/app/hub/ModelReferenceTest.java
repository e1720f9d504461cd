package org.farnode.app.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelReferenceTest {

    @Test
    void readsARepositoryWithOrWithoutAFile() {
        assertThat(ModelReference.parse("bartowski/Llama-3.2-1B-Instruct-GGUF"))
                .isEqualTo(new ModelReference("bartowski", "Llama-3.2-1B-Instruct-GGUF", Optional.empty()));
        ModelReference withFile = ModelReference.parse("bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf");
        assertThat(withFile.repo()).isEqualTo("bartowski/Llama-3.2-1B-Instruct-GGUF");
        assertThat(withFile.file()).contains("Llama-3.2-1B-Instruct-Q4_K_M.gguf");
        assertThat(ModelReference.parse("o/n/sub/folder/m.gguf").file()).contains("sub/folder/m.gguf");
        assertThat(ModelReference.parse("o/n/").file()).isEmpty();
    }

    @Test
    void rejectsWhatIsNoRepositoryOrLeavesIt() {
        assertThatThrownBy(() -> ModelReference.parse("just-a-name")).hasMessageContaining("OWNER/NAME");
        assertThatThrownBy(() -> ModelReference.parse("/name")).hasMessageContaining("owner");
        assertThatThrownBy(() -> ModelReference.parse("o/n a me")).hasMessageContaining("name 'n a me'");
        assertThatThrownBy(() -> ModelReference.parse("o/n/../../etc/passwd")).hasMessageContaining("not a file path");
        assertThatThrownBy(() -> ModelReference.parse("o/n/a//b")).hasMessageContaining("not a file path");
    }
}
