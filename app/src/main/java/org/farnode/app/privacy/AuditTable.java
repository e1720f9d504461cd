package org.farnode.app.privacy;

import java.util.ArrayList;
import java.util.List;

/** The results of an audit as a Markdown table, one row per boundary, codec and noise level. */
public final class AuditTable {
    public static final String HEADER = "| boundary | codec | noise std | vocabulary matching: tokens | vocabulary matching: prompts "
            + "| learned decoder: tokens | learned decoder: prompts | ridge λ | greedy agreement | mean KL (nats) |";

    private AuditTable() {
    }

    /** The table's lines: header, separator, rows. The quality columns are filled where there is noise, "—" elsewhere. */
    public static List<String> lines(AuditResults audit) {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        lines.add("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (AuditResults.Result r : audit.results()) {
            lines.add(String.format("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |", r.boundary(), r.codec(),
                    r.noiseStd() == 0 ? "0" : String.valueOf(r.noiseStd()),
                    percent(r.vocabularyMatchingTokenRate()), prompts(r.vocabularyMatchingPromptRate(), audit.promptCount()),
                    percent(r.learnedTokenRate()), prompts(r.learnedPromptRate(), audit.promptCount()), String.format("%.0e", r.learnedLambda()),
                    r.greedyAgreement() == null ? "—" : percent(r.greedyAgreement()),
                    r.meanKl() == null ? "—" : String.format("%.5f", r.meanKl())));
        }
        return lines;
    }

    private static String percent(double share) {
        return String.format("%.2f%%", 100 * share);
    }

    /** The share and the count it stands for, e.g. {@code 92.86% (65/70)}. */
    private static String prompts(double share, int count) {
        return String.format("%.2f%% (%d/%d)", 100 * share, Math.round(share * count), count);
    }
}
