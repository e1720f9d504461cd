package org.farnode.app.cli;

import picocli.CommandLine.Command;

/** {@code far model}: models from the Hugging Face Hub; it only groups its subcommands. */
@Command(name = "model", mixinStandardHelpOptions = true, subcommands = ModelPullCommand.class,
        description = "Get models from the Hugging Face Hub.")
final class ModelCommand {
}
