package org.farnode.app.selftest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.SyntheticLlama;
import org.farnode.backend.tensor.GgmlType;

/**
 * The model a self-test runs: the file the user gave, or a small synthetic one the self-test
 * writes itself, so that an installation can be proven without downloading anything.
 *
 * @param path       the GGUF file
 * @param synthetic  whether the self-test wrote it (and deletes it afterwards)
 * @param format     the file's format, e.g. "GGUF v3"
 * @param weightType the type of the layers' matrices
 * @param layers     transformer layers
 * @param bytes      the file's size
 */
record ModelUnderTest(Path path, boolean synthetic, String format, GgmlType weightType, int layers, long bytes) {
    /** Small enough to write in a blink, with a tokenizer, in the quantized type most users serve. */
    static final SyntheticLlama SYNTHETIC = SyntheticLlama.small(GgmlType.Q8_0);

    /**
     * The model at {@code file}, opened once to check that it loads.
     *
     * @throws IllegalArgumentException the file is missing, not a file, unreadable or not a model this app loads (which, and why)
     */
    static ModelUnderTest given(Path file) {
        return open(file, false);
    }

    /** Writes {@link #SYNTHETIC} into {@code folder} and checks it loads. */
    static ModelUnderTest synthetic(Path folder) throws IOException {
        Path file = folder.resolve("synthetic-llama-small-q8_0.gguf");
        SYNTHETIC.write(file);
        return open(file, true);
    }

    private static ModelUnderTest open(Path file, boolean synthetic) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.exists(absolute)) {
            throw new IllegalArgumentException("model file not found: " + absolute);
        }
        if (!Files.isRegularFile(absolute)) {
            throw new IllegalArgumentException("the model path is not a file: " + absolute);
        }
        if (!Files.isReadable(absolute)) {
            throw new IllegalArgumentException("the model file cannot be read (permission denied): " + absolute);
        }
        if (!startsLikeGguf(absolute)) {
            throw new IllegalArgumentException("not a GGUF file (it does not start with 'GGUF'): " + absolute);
        }
        try (LoadedModel model = LoadedModel.open(absolute, null)) {
            return new ModelUnderTest(absolute, synthetic, model.format(),
                    model.weights().layers().getFirst().query().type(), model.config().blockCount(), Files.size(absolute));
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot load the model " + absolute + ": " + StepRunner.describe(e), e);
        }
    }

    private static boolean startsLikeGguf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), "GGUF".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalArgumentException("the model file cannot be read (" + StepRunner.describe(e) + "): " + file, e);
        }
    }

    /** The model in one line, for the summary. */
    String summary() {
        return path + (synthetic ? " (synthetic, written for this test and deleted after it)" : "") + ": " + format + ", "
                + weightType + " weights, " + layers + " layers, " + size(bytes);
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
