package org.farnode.app.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.farnode.app.selftest.SelfTest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code far self-test}: the installed app's {@code --self-test}, from the command line. */
@Command(name = "self-test", mixinStandardHelpOptions = true,
        description = "Prove this installation works: find the devices, load a model, generate " + SelfTest.TOKENS
                + " tokens through a 2-node swarm on loopback, print a summary. Exit 0 only when every step passed.")
final class SelfTestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE",
            description = "GGUF model to run (default: a small synthetic model written to a temporary folder and deleted after).")
    Path model;

    @Override
    public Integer call() {
        return SelfTest.run(Optional.ofNullable(model), spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
