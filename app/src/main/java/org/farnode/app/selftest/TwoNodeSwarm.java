package org.farnode.app.selftest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.farnode.app.desktop.EmbeddedSwarm;
import org.farnode.app.directory.Route;
import org.farnode.app.settings.OperatorSettings;
import org.farnode.app.shard.LayerRange;

/**
 * The desktop app's own embedded swarm, started with two nodes on loopback: this node on the first
 * half of the layers with {@code --backend auto} (the GPU where there is one), a local peer on the
 * rest. Its key lives in a throwaway folder, never in the user's data folder.
 */
final class TwoNodeSwarm {
    static final int NODES = 2;

    private TwoNodeSwarm() {
    }

    /**
     * Starts the swarm on {@code model}, telling {@code progress} each step.
     *
     * @throws IllegalArgumentException the model has fewer layers than nodes
     */
    static EmbeddedSwarm start(ModelUnderTest model, Path identityFolder, Consumer<String> progress)
            throws IOException, InterruptedException {
        if (model.layers() < NODES) {
            throw new IllegalArgumentException("the model has " + model.layers() + " layer, but a " + NODES
                    + "-node swarm needs at least " + NODES);
        }
        // The embedded swarm gives this node the layers chosen and a local peer the rest: half of them makes two nodes.
        LayerRange thisNode = Route.evenSplit(model.layers(), NODES).getFirst();
        OperatorSettings settings = OperatorSettings.defaults()
                .withModelFile(model.path().toString())
                .withLayers(thisNode.start() + ":" + thisNode.end())
                .withListenPort(0);
        EmbeddedSwarm swarm = EmbeddedSwarm.start(settings, identityFolder, progress);
        if (swarm.members().size() != NODES) {
            int started = swarm.members().size();
            swarm.close();
            throw new IllegalStateException("the swarm started " + started + " nodes instead of " + NODES);
        }
        return swarm;
    }

    /** Each node: its layers, where it listens, and whether it is this node or the local peer. */
    static List<String> describe(EmbeddedSwarm swarm) {
        return swarm.members().stream()
                .map(member -> "layers " + member.layers() + " on " + member.address().host() + ":" + member.address().port()
                        + (member.thisNode() ? " (this node)" : " (local peer, CPU)"))
                .toList();
    }

    /** The backend this node computes on, and why not the GPU where that needs saying. */
    static String backend(EmbeddedSwarm swarm) {
        return swarm.nodeBackend().description() + swarm.backendNotice().map(notice -> "; " + notice).orElse("");
    }
}
