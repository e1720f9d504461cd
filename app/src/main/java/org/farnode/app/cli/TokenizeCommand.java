package org.farnode.app.cli;

import org.farnode.app.model.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code far tokenize}: the token ids of a text under a model's tokenizer, space-separated on one line. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Print the token ids of a text under a model's tokenizer, space-separated on one line.",
                "By default the ids are those the model is given: BOS (and EOS) where the model asks for them, "
                        + "and the text of special tokens such as <|endoftext|> read as those tokens."})
final class TokenizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TokenizerFileOption tokenizerFile;

    @Option(names = "--no-special",
            description = "Plain text only: add no BOS/EOS, and read special-token text as ordinary characters.")
    boolean noSpecial;

    @Option(names = "--file", paramLabel = "FILE", description = "Tokenize the whole of this UTF-8 file, as it is (final line break included).")
    Path file;

    @Parameters(arity = "0..1", paramLabel = "TEXT", description = "The text (quote it), unless --file is given.")
    String text;

    @Override
    public Integer call() throws IOException {
        String input = input();
        Tokenizer tokenizer = tokenizerFile.open();
        int[] ids = noSpecial ? tokenizer.encode(input) : tokenizer.encodeAsModelInput(input);
        spec.commandLine().getOut().println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private String input() throws IOException {
        if ((text == null) == (file == null)) {
            throw new IllegalArgumentException(text == null
                    ? "give the text to tokenize, as an argument or with --file"
                    : "give the text either as an argument or with --file, not both");
        }
        return text != null ? text : readUtf8(file);
    }

    /** The file's text; bytes that are not UTF-8 are an error rather than silently replaced. */
    private static String readUtf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not UTF-8 text");
        }
    }
}
