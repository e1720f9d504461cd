package org.farnode.app.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one page of the hub's tree API, {@code GET /api/models/{repo}/tree/{revision}?recursive=true}:
 * a JSON array of entries such as
 * <pre>{"type":"file","path":"m.gguf","size":807,"oid":"&lt;git blob sha1&gt;","lfs":{"oid":"&lt;sha256&gt;","size":807}}</pre>
 * Entries with an {@code lfs} object are LFS files, checked by the SHA-256 in {@code lfs.oid};
 * the others by their Git blob id {@code oid}. Directory entries are skipped. A longer listing
 * continues on the page that the {@code Link: <...>; rel="next"} header names.
 */
final class TreeListing {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private TreeListing() {
    }

    static List<HubFile> parse(String body) throws IOException {
        JsonNode entries = JSON.readTree(body);
        if (entries == null || !entries.isArray()) {
            throw new HubException("the hub's file listing is not a JSON array");
        }
        List<HubFile> files = new ArrayList<>();
        for (JsonNode entry : entries) {
            if (!"file".equals(entry.path("type").asText())) {
                continue;
            }
            String path = requireText(entry, "path");
            JsonNode lfs = entry.get("lfs");
            if (lfs != null && lfs.isObject()) {
                files.add(new HubFile(path, lfs.path("size").asLong(entry.path("size").asLong()),
                        Checksum.sha256(requireText(lfs, "oid"))));
            } else {
                files.add(new HubFile(path, entry.path("size").asLong(), Checksum.gitBlobSha1(requireText(entry, "oid"))));
            }
        }
        return files;
    }

    /** The next page's address from a {@code Link} header, resolved against the page just read. */
    static Optional<URI> nextPage(Optional<String> linkHeader, URI current) {
        return linkHeader.map(NEXT_LINK::matcher).filter(Matcher::find).map(m -> current.resolve(m.group(1)));
    }

    private static String requireText(JsonNode node, String field) throws HubException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new HubException("an entry of the hub's file listing has no '" + field + "': " + node);
        }
        return value.asText();
    }
}
