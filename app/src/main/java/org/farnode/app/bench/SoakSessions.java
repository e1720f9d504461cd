package org.farnode.app.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.tokenizer.Tokenizer;
import org.farnode.app.shard.ShardStage;

/**
 * The load of a soak test: {@code sessions} generation sessions side by side until a deadline,
 * each through a route of its own (fresh connections and node sessions), each followed at once by
 * the next, so sessions keep opening and closing the whole time as they do on a busy gateway.
 *
 * <p>Session number {@code n} (counted over all workers) generates from prompt {@code n} modulo the
 * prompts, sampling with seed {@code baseSeed + n}, so sessions differ and a run can be repeated.
 * When the time is up, sessions still running stop after their current token and close their
 * node sessions as usual, so a run lasts its set time, not that plus one session: on a slow
 * machine a session of 128 tokens can take longer than a minute.
 *
 * <p>Measured from the gateway's side: the time per token is the time from one generated token to
 * the next (one decode step: the window through every hop, then the LM head and sampling); the
 * time to first token runs from opening the route to the first token. Any exception ends its
 * session and counts as an error.
 */
public final class SoakSessions {
    /** After a failed session its worker waits this long, so a dead node gives errors at a bounded rate. */
    private static final Duration PAUSE_AFTER_ERROR = Duration.ofMillis(200);

    private final GatewayModel gateway;
    private final Tokenizer tokenizer;
    private final Supplier<PeerRoute> routes;
    private final List<int[]> prompts;
    private final int tokensPerSession;
    private final SamplingSettings sampling;

    private final LatencyHistogram timePerToken = new LatencyHistogram();
    private final LatencyHistogram timeToFirstToken = new LatencyHistogram();
    private final LongAdder tokens = new LongAdder();
    private final LongAdder sessionsCompleted = new LongAdder();
    private final LongAdder sessionsCutShort = new LongAdder();
    private final SessionErrors errors = new SessionErrors();
    private final List<Thread> workers = new ArrayList<>();
    private volatile CountDownLatch finished = new CountDownLatch(0);
    private volatile long deadlineNanos;

    /**
     * @param routes opens a new route through the nodes for each session
     * @param prompts token ids of each prompt (BOS included where the model wants it); each leaves room for {@code tokensPerSession}
     * @param sampling how tokens are chosen; its seed is the base of every session's own
     */
    public SoakSessions(GatewayModel gateway, Tokenizer tokenizer, Supplier<PeerRoute> routes, List<int[]> prompts,
                        int tokensPerSession, SamplingSettings sampling) {
        if (prompts.isEmpty() || tokensPerSession < 1) {
            throw new IllegalArgumentException("a soak needs at least one prompt and one token per session");
        }
        this.gateway = gateway;
        this.tokenizer = tokenizer;
        this.routes = routes;
        this.prompts = List.copyOf(prompts);
        this.tokensPerSession = tokensPerSession;
        this.sampling = sampling;
    }

    /**
     * Runs one session on the calling thread and measures nothing: the processes load their
     * classes, compile the hot code and set up TLS before the clock starts, so a short run is not
     * mostly start-up. A failure is thrown: nodes that cannot serve one session cannot be soaked.
     */
    public void warmUp() {
        try (PeerRoute route = routes.get()) {
            new Generator(gateway, tokenizer, new ArrayList<ShardStage>(route.hops()))
                    .generate(prompts.getFirst(), tokensPerSession, sampling, (id, text) -> { });
            route.closeSessions();
        }
    }

    /** Starts {@code sessions} workers, each running sessions one after another for {@code duration}. */
    public synchronized void start(int sessions, Duration duration) {
        if (!workers.isEmpty()) {
            throw new IllegalStateException("the sessions were already started");
        }
        deadlineNanos = System.nanoTime() + duration.toNanos();
        CountDownLatch allFinished = new CountDownLatch(sessions);
        finished = allFinished;
        for (int i = 0; i < sessions; i++) {
            int worker = i;
            workers.add(Thread.ofPlatform().name("load-session-" + (i + 1)).start(() -> {
                try {
                    work(worker, sessions);
                } finally {
                    allFinished.countDown();
                }
            }));
        }
    }

    /** Ends the run now: no session starts, and those running stop after their next token, as at the deadline. */
    public void stopNow() {
        deadlineNanos = System.nanoTime();
    }

    /** Waits up to {@code timeout} for every worker to finish its last session; returns whether they all have. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void work(int worker, int workerCount) {
        for (long round = 0; System.nanoTime() - deadlineNanos < 0; round++) {
            long session = worker + round * workerCount;
            int[] prompt = prompts.get((int) (session % prompts.size()));
            SamplingSettings seeded = new SamplingSettings(sampling.temperature(), sampling.topK(), sampling.topP(),
                    sampling.seed() + session);
            try {
                (runSession(prompt, seeded) ? sessionsCompleted : sessionsCutShort).increment();
            } catch (RuntimeException | Error e) { // an Error too: a worker that died silently would just lower the load
                errors.add(e);
                try {
                    Thread.sleep(PAUSE_AFTER_ERROR);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Runs one session; returns false when the time ran out before it ended. */
    private boolean runSession(int[] prompt, SamplingSettings seeded) {
        long opened = System.nanoTime();
        try (PeerRoute route = routes.get()) {
            Generator generator = new Generator(gateway, tokenizer, new ArrayList<ShardStage>(route.hops()));
            long[] lastToken = {opened};
            boolean[] first = {true};
            boolean ended = true;
            try {
                generator.generate(prompt, tokensPerSession, seeded, (id, text) -> {
                    if (id < 0) {
                        return; // the decoder's leftover text at the end, not a token
                    }
                    long now = System.nanoTime();
                    if (first[0]) {
                        first[0] = false;
                        timeToFirstToken.record(now - opened);
                    } else {
                        timePerToken.record(now - lastToken[0]);
                    }
                    lastToken[0] = now;
                    tokens.increment();
                    if (now - deadlineNanos >= 0) {
                        throw new TimeUp();
                    }
                });
            } catch (TimeUp up) {
                ended = false; // between two decode steps: every hop has answered, so the sessions close as usual
            }
            route.closeSessions();
            return ended;
        }
    }

    /** Thrown from the token listener to stop a session when the time is up; not an error. */
    private static final class TimeUp extends RuntimeException {
        TimeUp() {
            super("the load test's time is up", null, false, false);
        }
    }

    /** One decode step per value: from each generated token to the next, in nanoseconds. */
    public LatencyHistogram timePerToken() {
        return timePerToken;
    }

    /** From opening a session's route to its first generated token, in nanoseconds. */
    public LatencyHistogram timeToFirstToken() {
        return timeToFirstToken;
    }

    public long tokens() {
        return tokens.sum();
    }

    /** Sessions that generated all their tokens, or until the model ended its text. */
    public long sessionsCompleted() {
        return sessionsCompleted.sum();
    }

    /** Sessions stopped after a token because the time was up. */
    public long sessionsCutShort() {
        return sessionsCutShort.sum();
    }

    public SessionErrors errors() {
        return errors;
    }
}
