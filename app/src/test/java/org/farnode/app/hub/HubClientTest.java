package org.farnode.app.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.farnode.app.testing.LocalHub;
import org.farnode.app.testing.LocalHub.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HubClientTest {
    private static final byte[] WEIGHTS = "pretend these are weights".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CONFIG = "{\"dim\":8}".getBytes(StandardCharsets.UTF_8);

    /** {@code printf '{"dim":8}' | git hash-object --stdin} */
    private static final String CONFIG_GIT_BLOB = "db60bdbcd276a4be7a902c4adffa5594a8e1403a";

    private final LocalHub server = startServer();

    private static LocalHub startServer() {
        try {
            return LocalHub.start().addFile("o/n", "m.gguf", WEIGHTS, true).addFile("o/n", "config.json", CONFIG, false)
                    .addFile("o/n", "sub/extra.gguf", WEIGHTS, true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void listsFilesWithSizesAndDigestsAcrossPages() throws Exception {
        server.pageSize(2);
        List<HubFile> files = new HubClient(server.endpoint(), Optional.empty()).listFiles("o/n", "main");
        assertThat(files).containsExactlyInAnyOrder(
                new HubFile("m.gguf", WEIGHTS.length, Checksum.sha256(LocalHub.sha256(WEIGHTS))),
                new HubFile("sub/extra.gguf", WEIGHTS.length, Checksum.sha256(LocalHub.sha256(WEIGHTS))),
                new HubFile("config.json", CONFIG.length, Checksum.gitBlobSha1(CONFIG_GIT_BLOB)));
        assertThat(server.requests()).extracting(Request::path)
                .containsExactly("/api/models/o/n/tree/main?recursive=true", "/api/models/o/n/tree/main?recursive=true&cursor=2");
    }

    @Test
    void sendsTheTokenToTheHubButNotToTheCdnItRedirectsTo() throws Exception {
        HubClient hub = new HubClient(server.endpoint(), Optional.of("hf_secret"));
        try (var body = hub.open("o/n", "main", "m.gguf", 0).body()) {
            assertThat(body.readAllBytes()).isEqualTo(WEIGHTS);
        }
        assertThat(server.requests()).extracting(Request::server, Request::authorization).containsExactly(
                org.assertj.core.groups.Tuple.tuple("hub", "Bearer hf_secret"), org.assertj.core.groups.Tuple.tuple("cdn", null));
    }

    @Test
    void unauthorizedSaysTheModelIsGatedAndHowToGetIn() {
        server.failWith(401, "GatedRepo");
        HubClient hub = new HubClient(server.endpoint(), Optional.empty());
        assertThatThrownBy(() -> hub.listFiles("o/n", "main")).isInstanceOf(HubException.class)
                .hasMessage("o/n is gated or private: accept its licence at " + server.endpoint() + "o/n and pass --token or set HF_TOKEN");
        server.failWith(403, null);
        HubClient withToken = new HubClient(server.endpoint(), Optional.of("hf_x"));
        assertThatThrownBy(() -> withToken.open("o/n", "main", "m.gguf", 0))
                .hasMessageContaining("o/n is gated or private").hasMessageContaining("the token given was refused");
    }

    @Test
    void aMissingRepositoryOrFileIsNamed() {
        HubClient hub = new HubClient(server.endpoint(), Optional.empty());
        assertThatThrownBy(() -> hub.listFiles("o/missing", "main"))
                .hasMessage("repository o/missing not found on " + server.endpoint());
        assertThatThrownBy(() -> hub.open("o/n", "v2", "nope.gguf", 0))
                .hasMessage("file nope.gguf not found in o/n (revision v2)");
        // The hub hides whether a private repository exists: 401, but its error code says "not found".
        server.failWith(401, "RepoNotFound");
        assertThatThrownBy(() -> hub.listFiles("o/n", "main")).hasMessageContaining("repository o/n not found");
    }

    @Test
    void aRefusedConnectionSaysTheHubCannotBeReached() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        HubClient hub = new HubClient(URI.create("http://127.0.0.1:" + closedPort), Optional.empty());
        assertThatThrownBy(() -> hub.listFiles("o/n", "main")).isInstanceOf(HubException.class)
                .hasMessageStartingWith("cannot reach http://127.0.0.1:" + closedPort + ": ")
                .hasMessageContaining("refused");
    }

    @Test
    void anUnresolvableHostSaysSoInsteadOfTheJdksBareExceptionName() {
        // What the JDK's client throws for a name that does not resolve (no lookup here: tests stay off the network).
        var failure = new java.net.ConnectException();
        failure.initCause(new java.nio.channels.UnresolvedAddressException());
        assertThat(HubException.cannotReach(URI.create("https://huggingface.co/api/models/o/n"), failure))
                .hasMessage("cannot reach https://huggingface.co: unknown host huggingface.co (no network, or a misspelt endpoint?)");
    }

    @Test
    void theEndpointMustBeAnHttpUrl() {
        assertThatThrownBy(() -> new HubClient(URI.create("ftp://x"), Optional.empty())).hasMessageContaining("http://");
        assertThatThrownBy(() -> new HubClient(URI.create("huggingface.co"), Optional.empty())).hasMessageContaining("http://");
    }
}
