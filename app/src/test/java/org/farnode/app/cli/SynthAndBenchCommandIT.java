package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.farnode.app.model.SyntheticLlama;
import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.model.gguf.GgufTensorInfo;
import org.farnode.app.model.gguf.GgufValue;
import org.farnode.app.model.gguf.GgufWriter;
import org.farnode.app.model.gguf.TensorSource;
import org.farnode.app.testing.FarProcess;
import org.farnode.backend.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code far synth} and {@code far bench} run through the launcher, as a user runs them. */
class SynthAndBenchCommandIT {
    private static final Pattern TOKENS_PER_SECOND = Pattern.compile("(prefill|decode)\\s+([0-9.]+) tokens/s");

    @TempDir
    Path dir;

    @Test
    void synthWritesAModelThatBenchMeasures() throws Exception {
        Path model = dir.resolve("small-q4.gguf");
        FarProcess.Outcome synth = FarProcess.run("synth", "--shape", "small", "--type", "Q4_0", "--out", model.toString());
        assertThat(synth.exitCode()).as(synth.stderr()).isZero();
        assertThat(synth.stdout()).contains("wrote " + model).contains("Q4_0");
        assertThat(model).isRegularFile();

        FarProcess.Outcome bench = FarProcess.run("bench", "--model", model.toString(), "--runs", "2",
                "--prompt-tokens", "8", "--decode-tokens", "4", "--threads", "2", "--op-times");
        assertThat(bench.exitCode()).as(bench.stderr()).isZero();
        assertThat(bench.stdout()).contains("GB read per decoded token").contains("bandwidth")
                .contains("decode limit").contains("of the bandwidth limit");
        Matcher rates = TOKENS_PER_SECOND.matcher(bench.stdout());
        int found = 0;
        while (rates.find()) {
            assertThat(Double.parseDouble(rates.group(2))).as(rates.group()).isPositive();
            found++;
        }
        assertThat(found).as(bench.stdout()).isEqualTo(2);
        assertThat(bench.stderr()).contains("run 1/2").contains("run 2/2");
        assertThat(bench.stdout()).contains("op times").containsPattern("matmul +[0-9.]+ ms")
                .containsPattern("attention +[0-9.]+ ms").containsPattern("other +-?[0-9.]+ ms");
    }

    @Test
    void synthIsDeterministicForASeed() throws Exception {
        Path first = dir.resolve("a.gguf");
        Path second = dir.resolve("b.gguf");
        for (Path out : new Path[]{first, second}) {
            FarProcess.Outcome run = FarProcess.run("synth", "--shape", "small", "--type", "Q8_0", "--seed", "7",
                    "--out", out.toString());
            assertThat(run.exitCode()).as(run.stderr()).isZero();
        }
        assertThat(Files.mismatch(first, second)).isEqualTo(-1L);
    }

    @Test
    void badInputGivesOneLineErrors() throws Exception {
        Path existing = Files.writeString(dir.resolve("keep.gguf"), "do not overwrite");
        FarProcess.expectOneLineError(new String[]{"synth", "--out", existing.toString()}, "exists");
        assertThat(Files.readString(existing)).isEqualTo("do not overwrite");
        FarProcess.expectOneLineError(new String[]{"synth", "--type", "IQ4_XS", "--out", dir.resolve("x.gguf").toString()},
                "IQ4_XS");
        FarProcess.expectOneLineError(new String[]{"synth", "--shape", "huge", "--out", dir.resolve("y.gguf").toString()},
                "huge");
        FarProcess.expectOneLineError(new String[]{"bench", "--model", dir.resolve("missing.gguf").toString()},
                "not found");
        Path model = dir.resolve("tiny.gguf");
        SyntheticLlama.small(GgmlType.Q8_0).write(model);
        FarProcess.expectOneLineError(new String[]{"bench", "--model", model.toString(), "--runs", "0"}, "runs");
    }

    @Test
    void unsupportedArchitectureAndTypeAreNamed() throws Exception {
        Path gpt2 = dir.resolve("gpt2.gguf");
        SyntheticLlama.small(GgmlType.Q8_0).writer().put("general.architecture", GgufValue.string("gpt2")).write(gpt2);
        FarProcess.expectOneLineError(new String[]{"generate", "--model", gpt2.toString()}, "gpt2");

        // A llama.cpp Q4_K file with one matrix re-labelled IQ4_XS (same block size, a type with no kernels here).
        Path kquant = org.farnode.app.testing.SharedData.require("testdata/kquants/tiny-llama-Q4_K_M-pure.gguf");
        Path iq4 = dir.resolve("iq4.gguf");
        try (GgufFile gguf = GgufFile.open(kquant)) {
            GgufWriter writer = new GgufWriter();
            gguf.metadata().entries().forEach(writer::put);
            for (GgufTensorInfo info : gguf.tensorInfos().values()) {
                boolean relabelled = info.name().equals("blk.0.ffn_down.weight");
                writer.tensor(info.name(), relabelled ? GgmlType.IQ4_XS : info.type(), info.shape(),
                        relabelled ? TensorSource.zeros() : TensorSource.bytes(gguf.tensor(info.name()).data()));
            }
            writer.write(iq4);
        }
        FarProcess.expectOneLineError(new String[]{"generate", "--model", iq4.toString()}, "IQ4_XS");
    }
}
