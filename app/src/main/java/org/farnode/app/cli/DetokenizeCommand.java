package org.farnode.app.cli;

import org.farnode.app.model.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code far detokenize}: the text of token ids under a model's tokenizer. */
@Command(name = "detokenize", mixinStandardHelpOptions = true,
        description = {"Print the text of token ids under a model's tokenizer, followed by a line break.",
                "Control tokens such as BOS and EOS have no text."})
final class DetokenizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TokenizerFileOption tokenizerFile;

    @Parameters(arity = "1..*", paramLabel = "IDS",
            description = "Token ids: separate arguments, or one argument with the ids separated by spaces or commas "
                    + "(as far tokenize prints them).")
    List<String> ids;

    @Override
    public Integer call() throws IOException {
        int[] tokens = parse(ids);
        Tokenizer tokenizer = tokenizerFile.open();
        spec.commandLine().getOut().println(tokenizer.decode(tokens));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The ids in {@code arguments}, each of which may hold several separated by spaces or commas. */
    static int[] parse(List<String> arguments) {
        return arguments.stream()
                .flatMap(argument -> Arrays.stream(argument.trim().split("[\\s,]+")))
                .filter(id -> !id.isEmpty())
                .mapToInt(DetokenizeCommand::parseId)
                .toArray();
    }

    private static int parseId(String id) {
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + id + "\" is not a token id (a whole number)");
        }
    }
}
