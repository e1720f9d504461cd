package org.farnode.app.desktop;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.peer.PeerException;
import org.farnode.app.protocol.ErrorCode;

/**
 * Traffic for the embedded swarm: a gateway on this machine that generates stories through the
 * swarm one after another, as a network's users would, so that a new node shows real work at
 * once. It runs on its own thread until stopped; while this node is paused it waits, and after any
 * other failure it tries again every second.
 */
public final class LocalLoad implements AutoCloseable {
    private static final List<String> PROMPTS = List.of("Once upon a time", "One day, a little girl", "The cat",
            "Tom and his dog", "In the park");
    private static final int TOKENS_PER_STORY = 160;
    private static final long RETRY_MILLIS = 1_000;
    /** The codec of the stories' hops. */
    public static final String CODEC = "fp16";
    private static final long PAUSED_POLL_MILLIS = 200;

    private final EmbeddedSwarm swarm;
    private final ActivityLog log;
    private final AtomicLong stories = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;

    private LocalLoad(EmbeddedSwarm swarm, ActivityLog log) {
        this.swarm = swarm;
        this.log = log;
        this.thread = new Thread(this::run, "local-load");
        thread.setDaemon(true);
    }

    /** Starts generating through {@code swarm}; failures go to {@code log}. */
    public static LocalLoad start(EmbeddedSwarm swarm, ActivityLog log) {
        LocalLoad load = new LocalLoad(swarm, log);
        load.thread.start();
        return load;
    }

    private void run() {
        SplittableRandom random = new SplittableRandom();
        String lastFailure = null;
        PeerRoute route = null;
        while (!stopping) {
            try {
                // This node refuses every window while paused or held: wait, rather than send windows to be refused.
                while (swarm.thisNode().service().isPaused() && !stopping) {
                    Thread.sleep(PAUSED_POLL_MILLIS);
                }
                if (stopping) {
                    break;
                }
                if (route == null) {
                    route = swarm.openRoute(HiddenStateCodecs.byName(CODEC));
                } else {
                    // One connection and session per node for all stories: each story starts on an emptied cache.
                    route.hops().forEach(stage -> stage.truncate(0));
                }
                Generator generator = new Generator(swarm.gateway(), swarm.model().tokenizer(), List.copyOf(route.hops()));
                String prompt = PROMPTS.get(random.nextInt(PROMPTS.size()));
                generator.generate(prompt, TOKENS_PER_STORY, new SamplingSettings(0.8f, 40, 0.95f, random.nextLong()),
                        (id, text) -> {
                            if (stopping) {
                                throw new StopRequested();
                            }
                        });
                stories.incrementAndGet();
                lastFailure = null;
            } catch (StopRequested | InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                if (stopping) {
                    break;
                }
                String failure = String.valueOf(e.getMessage());
                // Paused between the check and the window: the pause is logged already, and the sessions are as they were.
                boolean refusedAsPaused = e instanceof PeerException peer && peer.code() == ErrorCode.NODE_PAUSED;
                if (!failure.equals(lastFailure) && !refusedAsPaused) {
                    log.add("load", "the local gateway's story stopped: " + failure + " (retrying every second)");
                    lastFailure = failure;
                }
                if (route != null && !refusedAsPaused) {
                    route.close();
                    route = null;
                }
                sleepQuietly();
            }
        }
        if (route != null) {
            route.close();
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            stopping = true;
        }
    }

    /** Stories generated to the end so far. */
    public long stories() {
        return stories.get();
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join(10_000);
    }

    /** Thrown from the token listener to end a story early when the load stops. */
    private static final class StopRequested extends RuntimeException {
        StopRequested() {
            super(null, null, false, false);
        }
    }
}
