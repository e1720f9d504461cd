package org.farnode.app.bench;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.gateway.FailoverStage;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.HopPolicy;
import org.farnode.app.gateway.PeerBans;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.gateway.StallPolicy;
import org.farnode.app.gateway.VerificationPolicy;
import org.farnode.app.identity.NodeIdentity;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.node.InjectedFault;
import org.farnode.app.node.NodeServer;
import org.farnode.app.node.NodeService;
import org.farnode.app.node.NodeSettings;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerClient;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.backend.Backend;

/**
 * How soon verification catches a corrupting node: three nodes on loopback in this process serve
 * every layer; the first corrupts a share of its windows ({@link InjectedFault.Kind#CORRUPT}) and
 * serves the route's only hop, the other two stand by to check it and take over. Each trial
 * generates greedily and notes the decode step at which the corrupting node was outvoted and banned,
 * and whether the text came out as an honest route's.
 */
public final class VerificationTrials implements AutoCloseable {
    private static final SamplingSettings GREEDY = new SamplingSettings(0, 0, 1, 1);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /**
     * One trial.
     *
     * @param caughtAtStep the decode step (1 = the first generated token) after which the node was banned, or -1 if never
     * @param textHonest   whether the tokens equal those of an honest route
     */
    public record Trial(int caughtAtStep, boolean textHonest) {
    }

    private final LoadedModel model;
    private final Backend backend;
    private final HiddenStateCodec codec;
    private final List<NodeServer> servers = new ArrayList<>();
    private final List<PeerClient> clients = new ArrayList<>();
    private final GatewayModel gateway;
    private final int[] honestTokens;
    private final int tokens;

    private VerificationTrials(LoadedModel model, Backend backend, HiddenStateCodec codec, int tokens) {
        this.model = model;
        this.backend = backend;
        this.codec = codec;
        this.tokens = tokens;
        this.gateway = new GatewayModel(model.weights(), backend.ops());
        try {
            ModelId modelId = ModelFingerprint.of(model.path());
            LayerRange all = LayerRange.all(model.config().blockCount());
            for (int i = 0; i < 3; i++) {
                NodeIdentity identity = NodeIdentity.ephemeral();
                NodeService service = new NodeService(ShardRunner.on(backend, model.weights(), all), modelId, identity.nodeId(),
                        backend.description(), NodeSettings.defaults());
                NodeServer server = NodeServer.start(service, identity, "127.0.0.1", 0);
                servers.add(server);
                clients.add(PeerClient.connect(new PeerAddress("127.0.0.1", server.port(), identity.nodeId()), modelId, TIMEOUT));
            }
            this.honestTokens = generate(VerificationPolicy.off(), new PeerBans(Clock.systemUTC()), null);
        } catch (Exception e) {
            close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** Starts the three nodes and generates {@code tokens} tokens through an honest route, for reference. */
    public static VerificationTrials start(LoadedModel model, Backend backend, HiddenStateCodec codec, int tokens) {
        return new VerificationTrials(model, backend, codec, tokens);
    }

    /**
     * Has the first node corrupt each window with probability {@code faultRate}, checks each window
     * with probability {@code fraction}, and generates; {@code seed} fixes both draws.
     */
    public Trial run(double fraction, double faultRate, long seed) {
        servers.getFirst().service().injectFault(InjectedFault.of(InjectedFault.Kind.CORRUPT, faultRate, 0, Duration.ZERO, seed));
        try {
            PeerBans bans = new PeerBans(Clock.systemUTC());
            VerificationPolicy verification = VerificationPolicy.of(fraction, model.config().embeddingLength(), codec.name())
                    .withChoice(new SplittableRandom(seed * 31 + 7));
            int[] caught = {-1};
            int[] generated = generate(verification, bans, caught);
            return new Trial(caught[0], Arrays.equals(generated, honestTokens));
        } finally {
            servers.getFirst().service().injectFault(InjectedFault.none());
        }
    }

    private int[] generate(VerificationPolicy verification, PeerBans bans, int[] caught) {
        HopPolicy policy = new HopPolicy(StallPolicy.DEFAULT, verification, bans);
        FailoverStage hop = new FailoverStage(clients.getFirst().openSession(codec), clients.subList(1, 3), policy);
        try {
            Generator generator = new Generator(gateway, model.tokenizer(), List.of(hop));
            int[] step = {0};
            return generator.generate("", tokens, GREEDY, (id, text) -> {
                step[0]++;
                if (caught != null && caught[0] < 0 && hop.checks().banned() > 0) {
                    caught[0] = step[0];
                }
            }).generatedTokens();
        } finally {
            hop.close();
        }
    }

    @Override
    public void close() {
        clients.forEach(PeerClient::close);
        servers.forEach(NodeServer::close);
    }
}
