package org.farnode.app.cli;

import org.farnode.app.gateway.HopPolicy;
import org.farnode.app.gateway.VerificationPolicy;
import picocli.CommandLine.Option;

/** How a gateway guards against the nodes of its route: how much of their work it checks against other nodes. */
final class RouteGuardOptions {
    @Option(names = "--verify-fraction", defaultValue = "0", paramLabel = "F",
            description = "Share of windows, 0 to 1, also computed by a second node serving the same layers and compared; "
                    + "a node outvoted by a third is banned from routes for 30 minutes (default: ${DEFAULT-VALUE}).")
    double verifyFraction;

    /** Refuses a fraction outside 0..1 before anything starts. */
    void check() {
        if (!(verifyFraction >= 0 && verifyFraction <= 1)) {
            throw new IllegalArgumentException("--verify-fraction is the share of windows checked, from 0 to 1, got "
                    + verifyFraction);
        }
    }

    /** The policy for a model of hidden width {@code width}, in the codec named {@code codecName}. */
    HopPolicy policy(int width, String codecName) {
        check();
        return verifyFraction == 0 ? HopPolicy.standard()
                : HopPolicy.verifying(VerificationPolicy.of(verifyFraction, width, codecName));
    }
}
