package org.farnode.app.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The two calls a pull makes to a Hugging Face Hub (huggingface.co or any server with its URL
 * layout): list a repository's files, and open one file, from a given byte on. Failures come out
 * as {@link HubException}s that say what to do about them.
 */
public final class HubClient {
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final int MAX_REDIRECTS = 10;

    private final URI endpoint;
    private final Optional<String> token;
    private final HttpClient http;

    public HubClient(URI endpoint, Optional<String> token) {
        if (!endpoint.isAbsolute() || !Set.of("http", "https").contains(endpoint.getScheme().toLowerCase(Locale.ROOT))
                || endpoint.getHost() == null) {
            throw new IllegalArgumentException("the hub endpoint must be an http:// or https:// URL, got " + endpoint);
        }
        this.endpoint = endpoint;
        this.token = token.filter(t -> !t.isBlank());
        // Redirects are followed by hand (see send) so that the token never travels to another host.
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The repository's page on the hub, where a gated model's licence is accepted. */
    public URI repoPage(String repo) {
        return at(repo);
    }

    /** Every file of the repository at that revision (a branch, tag or commit), subfolders included. */
    public List<HubFile> listFiles(String repo, String revision) throws IOException {
        List<HubFile> files = new ArrayList<>();
        Optional<URI> page = Optional.of(at("api/models/" + repo + "/tree/" + segment(revision) + "?recursive=true"));
        while (page.isPresent()) {
            HttpResponse<String> response = send(page.get(), Optional.empty(), BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw failure(response.statusCode(), response.headers().firstValue("X-Error-Code"), page.get(),
                        HubException.repositoryNotFound(repo, revision, endpoint), repo);
            }
            files.addAll(TreeListing.parse(response.body()));
            page = TreeListing.nextPage(response.headers().firstValue("Link"), page.get());
        }
        return files;
    }

    /**
     * Opens {@code path} for reading from byte {@code fromByte} on (a {@code Range} request when
     * that is above 0). The answer is 200 (the whole file: the server ignored the range), 206 (from
     * that byte) or 416 (the range starts past the file's end); the caller closes its body.
     */
    public HttpResponse<InputStream> open(String repo, String revision, String path, long fromByte) throws IOException {
        URI uri = at(repo + "/resolve/" + segment(revision) + "/" + pathSegments(path));
        Optional<String> range = fromByte > 0 ? Optional.of("bytes=" + fromByte + "-") : Optional.empty();
        HttpResponse<InputStream> response = send(uri, range, BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (status == 200 || status == 206 || status == 416) {
            return response;
        }
        response.body().close();
        throw failure(status, response.headers().firstValue("X-Error-Code"), uri,
                HubException.fileNotFound(repo, revision, path), repo);
    }

    /** GET, following redirects; the token goes only to the hub's own origin, never to the CDN it redirects to. */
    private <T> HttpResponse<T> send(URI uri, Optional<String> range, BodyHandler<T> handler) throws IOException {
        URI target = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(target).GET().header("User-Agent", "far-node");
            range.ifPresent(r -> request.header("Range", r));
            if (token.isPresent() && sameOrigin(target, endpoint)) {
                request.header("Authorization", "Bearer " + token.get());
            }
            HttpResponse<T> response;
            try {
                response = http.send(request.build(), info -> REDIRECTS.contains(info.statusCode())
                        ? BodySubscribers.replacing(null) : handler.apply(info));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + target);
            } catch (IOException e) {
                throw HubException.cannotReach(target, e);
            }
            Optional<String> location = response.headers().firstValue("Location");
            if (!REDIRECTS.contains(response.statusCode()) || location.isEmpty()) {
                return response;
            }
            target = target.resolve(location.get());
        }
        throw new HubException("more than " + MAX_REDIRECTS + " redirects from " + uri);
    }

    private HubException failure(int status, Optional<String> errorCode, URI uri, HubException notFound, String repo) {
        // The hub answers 401 for a missing repository too (so as not to tell whether a private one
        // exists); its X-Error-Code header says which it was.
        String code = errorCode.orElse("");
        if (code.equals("RepoNotFound") || code.equals("EntryNotFound") || code.equals("RevisionNotFound") || status == 404) {
            return notFound;
        }
        if (status == 401 || status == 403 || code.equals("GatedRepo")) {
            return HubException.gated(repo, repoPage(repo), token.isPresent());
        }
        return HubException.unexpectedStatus(status, uri);
    }

    private URI at(String relative) {
        String base = endpoint.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + relative);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** One URL path segment: a revision such as {@code refs/pr/1} keeps its slashes encoded. */
    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String pathSegments(String path) {
        return Stream.of(path.split("/")).map(HubClient::segment).collect(Collectors.joining("/"));
    }
}
