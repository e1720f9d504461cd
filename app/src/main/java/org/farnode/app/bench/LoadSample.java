package org.farnode.app.bench;

import java.util.List;
import java.util.OptionalLong;

/**
 * What a load test looked like {@code seconds} into the run: the tokens generated so far, the
 * errors so far, the median time per token so far (empty before the first decode step), each
 * measured process's resident memory (the gateway first, then the nodes in order; empty where it
 * cannot be read), and the gateway's heap after its last collection.
 */
public record LoadSample(double seconds, long tokens, long errors, OptionalLong medianNanosPerToken,
                         List<OptionalLong> residentBytes, long gatewayHeapBytes) {
    public LoadSample {
        residentBytes = List.copyOf(residentBytes);
    }
}
