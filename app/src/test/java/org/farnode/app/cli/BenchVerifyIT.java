package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;

/** {@code far bench verify} as a user runs it: a corrupting node, checked on every window, is caught at once. */
class BenchVerifyIT {

    @Test
    void checkingEveryWindowCatchesTheCorruptingNodeAtTheFirstStepAndKeepsTheTextHonest() throws Exception {
        FarProcess.Outcome run = FarProcess.run("bench", "verify", "--model", Stories260K.gguf().toString(), "--fractions", "1",
                "--trials", "2", "--tokens", "8");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("| verification fraction |").contains("| 1.00 | 2 of 2 | 1.0 | 1 | 1 | 1.0 | 2 of 2 |");
        assertThat(run.stderr()).contains("fraction 1.00, trial 2: caught after step 1").contains("banned node ");
    }

    @Test
    void aFractionOutsideZeroToOneIsRefused() throws Exception {
        FarProcess.expectOneLineError(new String[] {"bench", "verify", "--model", Stories260K.gguf().toString(),
                "--fractions", "0.5,0"}, "--fractions must each be above 0 and at most 1, got 0.0");
    }

    @Test
    void farNodeRefusesAnUnknownFaultBeforeReadingTheModel() throws Exception {
        FarProcess.expectOneLineError(new String[] {"node", "--model", Stories260K.gguf().toString(), "--layers", "0:5",
                "--fault", "melt"}, "unknown fault 'melt'; the faults are corrupt, slow and drop");
    }

    @Test
    void gatewayRefusesAVerificationFractionAboveOne() throws Exception {
        FarProcess.expectOneLineError(new String[] {"swarm", "--model", Stories260K.gguf().toString(),
                "--verify-fraction", "1.5"}, "--verify-fraction is the share of windows checked, from 0 to 1, got 1.5");
    }
}
