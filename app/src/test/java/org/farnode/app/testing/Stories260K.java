package org.farnode.app.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The stories260K reference model and the reference figures its SOURCE.md records. */
public final class Stories260K {
    private Stories260K() {
    }

    public static Path gguf() {
        return SharedData.require("models/stories260K/stories260K.gguf");
    }

    public static Path checkpoint() {
        return SharedData.require("models/stories260K/stories260K.bin");
    }

    public static Path tokenizerBin() {
        return SharedData.require("models/stories260K/tok512.bin");
    }

    private static String source() {
        try {
            return Files.readString(SharedData.require("models/stories260K/SOURCE.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 256-step greedy text: the fenced block after "After 256 steps" in SOURCE.md. */
    public static String greedyText256() {
        String source = source();
        int after = source.indexOf("After 256 steps");
        int open = source.indexOf("```\n", after) + 4;
        int close = source.indexOf("```", open);
        return source.substring(open, close);
    }

    /** First greedy ids listed in SOURCE.md. */
    public static int[] firstGreedyIds() {
        Matcher m = Pattern.compile("First 10 greedy token ids: `\\[([0-9, ]+)]`").matcher(source());
        if (!m.find()) {
            throw new AssertionError("SOURCE.md no longer lists the first greedy ids");
        }
        return java.util.Arrays.stream(m.group(1).split(",\\s*")).mapToInt(Integer::parseInt).toArray();
    }

    /** A reference logit line: position, input token, top-5 (id → logit), and logits[0:4] where given. */
    public record ReferenceLogits(int position, int input, Map<Integer, Float> top5, float[] first4) {
    }

    public static List<ReferenceLogits> referenceLogits() {
        Pattern line = Pattern.compile("- pos (\\d+), input (\\d+)[^:]*: top5[^=]*= (.*?)(?:; logits\\[0:4] = \\[([^]]+)])?$",
                Pattern.MULTILINE);
        Pattern pair = Pattern.compile("\\((\\d+), (-?[0-9.]+)\\)");
        List<ReferenceLogits> result = new ArrayList<>();
        Matcher m = line.matcher(source());
        while (m.find()) {
            Map<Integer, Float> top = new LinkedHashMap<>();
            Matcher p = pair.matcher(m.group(3));
            while (p.find()) {
                top.put(Integer.parseInt(p.group(1)), Float.parseFloat(p.group(2)));
            }
            float[] first4 = null;
            if (m.group(4) != null) {
                String[] parts = m.group(4).split(",\\s*");
                first4 = new float[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    first4[i] = Float.parseFloat(parts[i]);
                }
            }
            result.add(new ReferenceLogits(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), top, first4));
        }
        if (result.size() != 3) {
            throw new AssertionError("expected 3 reference logit lines in SOURCE.md, found " + result.size());
        }
        return result;
    }
}
