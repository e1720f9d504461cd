package org.farnode.app.selftest;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.farnode.app.desktop.EmbeddedSwarm;

/**
 * {@code far-node --self-test} and {@code far self-test}: proves, without a display, that this
 * installation works. It finds the devices, loads a model (the one given, else a small synthetic
 * one it writes itself), starts the app's swarm with two nodes on loopback, generates
 * {@value #TOKENS} greedy tokens through them and prints a summary. Each step is printed as it
 * runs and timed; a step that fails ends the test with one {@code FAIL at <step>: <reason>} line
 * on stderr and exit code {@value #FAIL}. A hard time limit keeps a hung step from hanging CI.
 */
public final class SelfTest {
    public static final int PASS = 0;
    public static final int FAIL = 1;
    public static final int TOKENS = 16;
    public static final String PROMPT = "Once upon a time";
    public static final Duration TIME_LIMIT = Duration.ofMinutes(5);

    private final Optional<Path> modelFile;
    private final StepRunner steps;

    private SelfTest(Optional<Path> modelFile, StepRunner steps) {
        this.modelFile = modelFile;
        this.steps = steps;
    }

    /** Runs the self-test on {@code modelFile} (empty: a synthetic model); returns the exit code. */
    public static int run(Optional<Path> modelFile, PrintWriter out, PrintWriter err) {
        return run(modelFile, out, err, TIME_LIMIT);
    }

    /** As {@link #run(Optional, PrintWriter, PrintWriter)}, failing when it takes longer than {@code timeLimit}. */
    static int run(Optional<Path> modelFile, PrintWriter out, PrintWriter err, Duration timeLimit) {
        StepRunner steps = new StepRunner(out);
        out.println("far-node self-test: devices, a model, a " + TwoNodeSwarm.NODES + "-node swarm on loopback, " + TOKENS
                + " tokens (at most " + describe(timeLimit) + ")");
        out.flush();
        FutureTask<SelfTestSummary> test = new FutureTask<>(() -> new SelfTest(modelFile, steps).runSteps());
        // A daemon thread: where a step hangs past the limit, the process can still end.
        Thread.ofPlatform().name("far-node-self-test").daemon(true).start(test);
        try {
            test.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS).print(out);
            return PASS;
        } catch (ExecutionException e) {
            return fail(err, e.getCause() instanceof StepFailure failure ? failure
                    : new StepFailure(steps.current(), StepRunner.describe(e.getCause()), e.getCause()));
        } catch (TimeoutException e) {
            // The worker is left to the process's exit rather than interrupted: a step hung in a native call (a Vulkan
            // driver, say) would not hear an interrupt anyway.
            return fail(err, new StepFailure(steps.current(), "did not finish within " + describe(timeLimit), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(err, new StepFailure(steps.current(), "interrupted", e));
        }
    }

    private static String describe(Duration limit) {
        return limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
    }

    private static int fail(PrintWriter err, StepFailure failure) {
        err.println(failure.line());
        err.flush();
        return FAIL;
    }

    private SelfTestSummary runSteps() throws Exception {
        long start = System.nanoTime();
        try (ScratchFolder scratch = ScratchFolder.create()) {
            DeviceFinding devices = steps.run("devices", this::findDevices).value();
            ModelUnderTest model = steps.run("model", () -> loadModel(scratch)).value();
            EmbeddedSwarm swarm = steps.run("swarm", () -> startSwarm(model, scratch)).value();
            GreedyRun run;
            List<String> nodes = TwoNodeSwarm.describe(swarm);
            String backend = TwoNodeSwarm.backend(swarm);
            try {
                run = steps.run("generate", () -> generate(swarm)).value();
            } finally {
                swarm.close();
            }
            steps.run("clean up", () -> {
                steps.say("deleting " + scratch.path());
                scratch.delete();
                return null;
            });
            return new SelfTestSummary(devices, backend, model, nodes, run, PROMPT, System.nanoTime() - start);
        }
    }

    private DeviceFinding findDevices() {
        steps.say("looking for Vulkan devices");
        DeviceFinding devices = DeviceFinding.discover();
        devices.lines().forEach(steps::say);
        return devices;
    }

    private ModelUnderTest loadModel(ScratchFolder scratch) throws Exception {
        ModelUnderTest model;
        if (modelFile.isPresent()) {
            steps.say("checking " + modelFile.get().toAbsolutePath().normalize());
            model = ModelUnderTest.given(modelFile.get());
        } else {
            steps.say("no --model given: writing a small synthetic model into " + scratch.path());
            model = ModelUnderTest.synthetic(scratch.path());
        }
        steps.say(model.summary());
        return model;
    }

    private EmbeddedSwarm startSwarm(ModelUnderTest model, ScratchFolder scratch) throws Exception {
        // A throwaway key: a self-test must never create or change the key of the user's node.
        EmbeddedSwarm swarm = TwoNodeSwarm.start(model, scratch.folder("node-key"), steps::say);
        steps.say("this node computes on " + TwoNodeSwarm.backend(swarm));
        TwoNodeSwarm.describe(swarm).forEach(node -> steps.say("node: " + node));
        return swarm;
    }

    private GreedyRun generate(EmbeddedSwarm swarm) {
        steps.say(TOKENS + " greedy tokens after " + SelfTestSummary.quoted(PROMPT) + " through both nodes");
        GreedyRun run = GreedyRun.through(swarm, PROMPT, TOKENS);
        steps.say(SelfTestSummary.quoted(run.text()));
        steps.say("each node computed " + run.nodePositions().getFirst() + " positions");
        return run;
    }
}
