package org.farnode.app.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.farnode.app.testing.LocalHub;
import org.farnode.app.testing.LocalHub.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPullTest {
    private static final byte[] MODEL = randomBytes(3 * 1024 * 1024 + 17);
    private static final String SHA256 = LocalHub.sha256(MODEL);

    @TempDir
    Path models;

    private final LocalHub server = start();
    private final List<String> events = new ArrayList<>();

    private static LocalHub start() {
        try {
            return LocalHub.start().addFile("o/n", "m.gguf", MODEL, true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path target() {
        return models.resolve("o").resolve("n").resolve("m.gguf");
    }

    private Path part() {
        return models.resolve("o").resolve("n").resolve("m.gguf.part");
    }

    private Path pull(String reference) throws Exception {
        PullListener recorder = new PullListener() {
            @Override
            public void alreadyPresent(HubFile file, Path target) {
                events.add("present " + file.path());
            }

            @Override
            public void transferStarted(HubFile file, long fromByte) {
                events.add("start " + file.path() + " at " + fromByte);
            }

            @Override
            public void restarted(HubFile file, String reason) {
                events.add("restart " + file.path() + ": " + reason);
            }

            @Override
            public void saved(HubFile file, Path target) {
                events.add("saved " + file.path());
            }
        };
        return new ModelPull(new HubClient(server.endpoint(), Optional.empty()), models, recorder)
                .pull(ModelReference.parse(reference), "main");
    }

    private List<Request> cdnRequests() {
        return server.requests().stream().filter(r -> r.server().equals("cdn")).toList();
    }

    @Test
    void downloadsIntoOwnerNameFolderThroughTheCdnRedirect() throws Exception {
        assertThat(pull("o/n/m.gguf")).isEqualTo(target());
        assertThat(target()).hasBinaryContent(MODEL);
        assertThat(part()).doesNotExist();
        assertThat(cdnRequests()).extracting(Request::path).containsExactly("/lfs/" + SHA256);
        assertThat(events).containsExactly("start m.gguf at 0", "saved m.gguf");
    }

    @Test
    void aTransferCutInTheMiddleResumesFromThePartFilesLength() throws Exception {
        long cut = MODEL.length / 2 + 3;
        server.cutNextTransferAfter(cut);
        assertThatThrownBy(() -> pull("o/n/m.gguf")).isInstanceOf(HubException.class)
                .hasMessageStartingWith("download of m.gguf was cut off at byte " + cut + " of " + MODEL.length)
                .hasMessageContaining("kept in " + part()).hasMessageContaining("running the same command again resumes");
        assertThat(part()).hasSize(cut);
        assertThat(target()).doesNotExist();

        pull("o/n/m.gguf");
        assertThat(cdnRequests()).extracting(Request::range).containsExactly(null, "bytes=" + cut + "-");
        assertThat(Checksum.sha256("").computeFor(target())).isEqualTo(SHA256);
        assertThat(part()).doesNotExist();
        assertThat(events).containsExactly("start m.gguf at 0", "start m.gguf at " + cut, "saved m.gguf");
    }

    @Test
    void aFileWhoseSha256DiffersIsRejectedAndDeleted() throws Exception {
        server.corruptByteAt(12345);
        assertThatThrownBy(() -> pull("o/n/m.gguf")).isInstanceOf(HubException.class)
                .hasMessageStartingWith("m.gguf failed verification: sha256 expected " + SHA256 + ", got ")
                .hasMessageContaining("deleted");
        assertThat(part()).doesNotExist();
        assertThat(target()).doesNotExist();
    }

    @Test
    void aServerThatIgnoresTheRangeMakesTheDownloadStartOver() throws Exception {
        Files.createDirectories(part().getParent());
        Files.write(part(), "stale bytes from elsewhere".getBytes(StandardCharsets.UTF_8));
        server.ignoreRange(true);
        pull("o/n/m.gguf");
        assertThat(cdnRequests()).extracting(Request::range).containsExactly("bytes=26-");
        assertThat(target()).hasBinaryContent(MODEL);
        assertThat(events).containsExactly("restart m.gguf: the server ignored the request to resume at byte 26",
                "start m.gguf at 0", "saved m.gguf");
    }

    @Test
    void aPartFileLongerThanTheHubsFileIsStartedOver() throws Exception {
        Files.createDirectories(part().getParent());
        Files.write(part(), randomBytes(MODEL.length + 10));
        pull("o/n/m.gguf");
        assertThat(target()).hasBinaryContent(MODEL);
        assertThat(cdnRequests()).extracting(Request::range).containsExactly((String) null);
    }

    @Test
    void aCompletePartFileIsOnlyVerified() throws Exception {
        Files.createDirectories(part().getParent());
        Files.write(part(), MODEL);
        pull("o/n/m.gguf");
        assertThat(target()).hasBinaryContent(MODEL);
        assertThat(cdnRequests()).isEmpty();
    }

    @Test
    void aFileAlreadyPresentAndVerifiedIsNotDownloadedAgain() throws Exception {
        pull("o/n");
        pull("o/n");
        assertThat(cdnRequests()).hasSize(1);
        assertThat(events).containsExactly("start m.gguf at 0", "saved m.gguf", "present m.gguf");
    }

    @Test
    void aPresentFileWithOtherContentIsReplaced() throws Exception {
        Files.createDirectories(target().getParent());
        byte[] other = MODEL.clone();
        other[7] ^= 1;
        Files.write(target(), other);
        pull("o/n");
        assertThat(target()).hasBinaryContent(MODEL);
    }

    @Test
    void aSafetensorsModelIsDownloadedAsAFolder() throws Exception {
        server.addFile("o/st", "config.json", "{}".getBytes(StandardCharsets.UTF_8), false)
                .addFile("o/st", "tokenizer.json", "{\"v\":1}".getBytes(StandardCharsets.UTF_8), false)
                .addFile("o/st", "model.safetensors", MODEL, true)
                .addFile("o/st", "README.md", "# hi".getBytes(StandardCharsets.UTF_8), false);
        Path folder = pull("o/st");
        assertThat(folder).isEqualTo(models.resolve("o").resolve("st"));
        assertThat(folder.resolve("model.safetensors")).hasBinaryContent(MODEL);
        assertThat(folder.resolve("config.json")).hasContent("{}");
        assertThat(folder.resolve("tokenizer.json")).hasContent("{\"v\":1}");
        assertThat(folder.resolve("README.md")).doesNotExist();
    }

    @Test
    void gatedAndMissingModelsLeaveNothingBehind() throws Exception {
        server.failWith(401, "GatedRepo");
        assertThatThrownBy(() -> pull("o/n/m.gguf")).hasMessageContaining("o/n is gated or private");
        server.failWith(0, null);
        assertThatThrownBy(() -> pull("o/n/other.gguf")).hasMessageStartingWith("file other.gguf not found in o/n");
        assertThat(models).isEmptyDirectory();
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(42).nextBytes(bytes);
        return bytes;
    }
}
