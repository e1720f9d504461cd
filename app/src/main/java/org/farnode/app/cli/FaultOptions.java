package org.farnode.app.cli;

import java.time.Duration;
import org.farnode.app.node.InjectedFault;
import picocli.CommandLine.Option;

/** {@code far node}'s test mode: a node that misbehaves on purpose, to show and test what gateways do about it. */
final class FaultOptions {
    @Option(names = "--fault", paramLabel = "KIND",
            description = "Test mode: misbehave on purpose. corrupt: answer with wrong hidden states; slow: answer late "
                    + "(--fault-delay-ms); drop: never answer. Gateways verify, route around and ban such nodes.")
    String kind;

    @Option(names = "--fault-rate", defaultValue = "1", description = "Share of windows the fault strikes, above 0 and at most 1 (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--fault-after", defaultValue = "0", description = "Honest windows before the fault begins (default: ${DEFAULT-VALUE}).")
    int afterWindows;

    @Option(names = "--fault-delay-ms", defaultValue = "5000", description = "How late a slow fault answers, in ms (default: ${DEFAULT-VALUE}).")
    long delayMillis;

    @Option(names = "--fault-seed", defaultValue = "1", description = "Seed of the choice of struck windows and of the corruption (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The fault asked for, or none; refuses bad values with what is allowed. */
    InjectedFault fault() {
        if (kind == null) {
            return InjectedFault.none();
        }
        return InjectedFault.of(InjectedFault.Kind.parse(kind), rate, afterWindows, Duration.ofMillis(delayMillis), seed);
    }
}
