package org.farnode.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.farnode.app.shard.LayerRange;

/** The arguments of a {@code far node} process this machine starts for a local network (swarm, bench wan). */
final class LocalNodeArguments {
    private LocalNodeArguments() {
    }

    /** Serving {@code layers} of {@code model} on a free loopback port, its keys in {@code dataDirectory}, stopping when stdin closes. */
    static List<String> of(ModelOptions model, LayerRange layers, Path dataDirectory, List<String> more) {
        List<String> arguments = new ArrayList<>(List.of("--model", model.model.toString(),
                "--layers", layers.start() + ":" + layers.end(), "--host", "127.0.0.1", "--port", "0",
                "--data-dir", dataDirectory.toString(), "--stop-on-stdin-close"));
        if (model.tokenizer != null) {
            arguments.addAll(List.of("--tokenizer", model.tokenizer.toString()));
        }
        arguments.addAll(more);
        return arguments;
    }
}
