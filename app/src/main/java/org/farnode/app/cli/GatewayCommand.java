package org.farnode.app.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.peer.PeerAddress;
import org.farnode.backend.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code far gateway}: generates with the model's layers served by remote nodes; tokens stay here. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Generate text with the layers run by remote nodes; only hidden states leave this machine.")
final class GatewayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--peer", required = true, description = "A node as HOST:PORT@NODEID (repeat for each node).")
    List<String> peers;

    @Mixin
    GenerationOptions generation;

    @Mixin
    CodecOptions codecOptions;

    @Mixin
    LocalLayersOptions localLayers;

    @Mixin
    RouteGuardOptions guard;

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for a node's answer (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Mixin
    BackendOptions backendOptions;

    @Override
    public Integer call() throws Exception {
        List<PeerAddress> addresses = peers.stream().map(PeerAddress::parse).toList();
        codecOptions.checkName();
        localLayers.checkSign();
        guard.check();
        generation.sampling();
        try (LoadedModel loaded = model.open();
             Backend backend = backendOptions.openCpu()) {
            ModelId modelId = ModelFingerprint.of(loaded.path());
            RemoteGeneration.run(loaded, modelId, addresses, codecOptions.codec(modelId),
                    Duration.ofSeconds(timeoutSeconds), generation, localLayers, guard, backend, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
        }
        return 0;
    }
}
