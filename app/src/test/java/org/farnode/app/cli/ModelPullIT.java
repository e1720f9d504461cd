package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.LocalHub;
import org.farnode.app.testing.LocalHub.Request;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code far model pull} through the launcher, against a local server in the Hugging Face Hub's URL layout. */
class ModelPullIT {
    private static final String FILE = "stories260K.gguf";

    @TempDir
    Path models;

    private LocalHub hub;
    private byte[] model;

    @BeforeEach
    void startHub() throws Exception {
        model = Files.readAllBytes(Stories260K.gguf());
        hub = LocalHub.start().addFile("karpathy/tinyllamas", FILE, model, true)
                .addFile("karpathy/tinyllamas", "README.md", "# tiny".getBytes(), false);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private FarProcess.Outcome pull(String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("model", "pull"));
        args.addAll(List.of(more));
        args.addAll(List.of("--endpoint", hub.endpoint().toString(), "--dir", models.toString()));
        return FarProcess.run(args.toArray(String[]::new));
    }

    private static List<String> errorLines(FarProcess.Outcome run) {
        return run.stderr().lines().filter(l -> l.startsWith("far: error: ")).toList();
    }

    @Test
    void aTransferCutInTheMiddleResumesOnTheNextRunAndEndsVerified() throws Exception {
        Path target = models.resolve("karpathy/tinyllamas").resolve(FILE);
        long cut = 400_000;
        hub.cutNextTransferAfter(cut);

        FarProcess.Outcome first = pull("karpathy/tinyllamas/" + FILE);
        assertThat(first.exitCode()).as(first.stderr()).isEqualTo(1);
        assertThat(first.stdout()).isEmpty();
        assertThat(errorLines(first)).singleElement().asString()
                .contains("cut off at byte " + cut + " of " + model.length).contains("resumes");
        assertThat(first.stderr()).doesNotContain("\tat ");
        assertThat(target.resolveSibling(FILE + ".part")).hasSize(cut);

        FarProcess.Outcome second = pull("karpathy/tinyllamas/" + FILE);
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(second.stdout().strip()).isEqualTo(target.toString());
        assertThat(second.stderr()).contains("resuming " + FILE + " from byte " + cut)
                .contains("verifying the sha256 of " + FILE).contains("100%");
        assertThat(hub.requests()).filteredOn(r -> r.server().equals("cdn")).extracting(Request::range)
                .containsExactly(null, "bytes=" + cut + "-");
        assertThat(Files.mismatch(target, Stories260K.gguf())).isEqualTo(-1L);
        assertThat(target.resolveSibling(FILE + ".part")).doesNotExist();

        // The repository has one .gguf, so the name alone finds it; it is there already.
        FarProcess.Outcome third = pull("karpathy/tinyllamas");
        assertThat(third.exitCode()).as(third.stderr()).isZero();
        assertThat(third.stdout().strip()).isEqualTo(target.toString());
        assertThat(third.stderr()).contains("already downloaded and verified");
        assertThat(hub.requests()).filteredOn(r -> r.server().equals("cdn")).hasSize(2);
    }

    @Test
    void aFileWhoseSha256DiffersIsRejected() throws Exception {
        hub.corruptByteAt(1000);
        FarProcess.Outcome run = pull("karpathy/tinyllamas/" + FILE);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(errorLines(run)).singleElement().asString()
                .contains("failed verification: sha256 expected " + LocalHub.sha256(model) + ", got ");
        assertThat(run.stdout()).isEmpty();
        assertThat(models.resolve("karpathy/tinyllamas")).isEmptyDirectory();
    }

    @Test
    void severalGgufFilesAreListedToChooseFrom() throws Exception {
        hub.addFile("karpathy/tinyllamas", "stories260K-copy.gguf", model, true);
        FarProcess.Outcome run = pull("karpathy/tinyllamas");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).contains("far: error: karpathy/tinyllamas has 2 GGUF files; name one: "
                + "far model pull karpathy/tinyllamas/FILE").containsPattern("  stories260K\\.gguf +1\\.2 MB")
                .containsPattern("  stories260K-copy\\.gguf +1\\.2 MB");
    }

    @Test
    void gatedMissingAndUnreachableHubsGiveOneLineErrors() throws Exception {
        hub.failWith(401, "GatedRepo");
        // The endpoint from HF_ENDPOINT, as huggingface_hub reads it.
        FarProcess.Outcome gated = FarProcess.run(Map.of("HF_ENDPOINT", hub.endpoint().toString()),
                "model", "pull", "meta-llama/Llama-3.2-1B", "--dir", models.toString());
        assertThat(gated.exitCode()).isEqualTo(1);
        assertThat(errorLines(gated)).singleElement().asString().contains("meta-llama/Llama-3.2-1B is gated or private")
                .contains("accept its licence at " + hub.endpoint() + "meta-llama/Llama-3.2-1B").contains("HF_TOKEN");

        hub.failWith(0, null);
        FarProcess.expectOneLineError(new String[]{"model", "pull", "nobody/nothing", "--endpoint", hub.endpoint().toString(),
                "--dir", models.toString()}, "repository nobody/nothing not found");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        FarProcess.expectOneLineError(new String[]{"model", "pull", "a/b", "--endpoint", "http://127.0.0.1:" + closedPort,
                "--dir", models.toString()}, "cannot reach http://127.0.0.1:" + closedPort + ": connection refused");
    }
}
