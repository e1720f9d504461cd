package org.farnode.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;

/** The {@code far} command line: one subcommand per job. Errors end in one line on stderr and a non-zero exit. */
@Command(name = "far", mixinStandardHelpOptions = true, version = "FAR Node 0.1.0",
        description = "FAR Node: run Llama-family models on this machine, or across nodes that each serve some of its layers.",
        subcommands = {GenerateCommand.class, NodeCommand.class, GatewayCommand.class, SwarmCommand.class,
                BenchCommand.class, SynthCommand.class, DevicesCommand.class, CalibrateCommand.class,
                LinkCommand.class, PrivacyAuditCommand.class, SelfTestCommand.class, TokenizeCommand.class,
                DetokenizeCommand.class, ModelCommand.class})
public final class FarCli {

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new FarCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((exception, command, parseResult) -> {
            err.println("far: error: " + describe(exception));
            if (System.getenv("FAR_DEBUG") != null) {
                exception.printStackTrace(err);
            }
            return 1;
        });
        return cli.execute(args);
    }

    /** One line that says what went wrong, for any failure a command lets escape. */
    static String describe(Throwable exception) {
        if (exception instanceof NoSuchFileException missing) {
            String reason = missing.getReason() == null ? "file not found" : missing.getReason();
            return reason + ": " + missing.getFile();
        }
        if (exception instanceof java.nio.file.AccessDeniedException denied) {
            return "permission denied: " + denied.getFile();
        }
        String message = exception.getMessage();
        return message == null || message.isBlank() ? exception.getClass().getSimpleName() : message;
    }
}
