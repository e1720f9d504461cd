package org.farnode.app.hub;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;

/**
 * A pull that cannot go on, with one line that tells the user what happened and what to do. The
 * factories hold the wording, so the command line and the desktop app say the same thing.
 */
public class HubException extends IOException {

    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }

    /** HTTP 401 or 403: the hub wants a token, or one that has accepted the model's licence. */
    static HubException gated(String repo, URI repoPage, boolean tokenGiven) {
        String token = tokenGiven ? "the token given was refused: make sure its account has accepted the licence"
                : "pass --token or set HF_TOKEN";
        return new HubException(repo + " is gated or private: accept its licence at " + repoPage + " and " + token);
    }

    static HubException repositoryNotFound(String repo, String revision, URI endpoint) {
        String at = "main".equals(revision) ? "" : " at revision " + revision;
        return new HubException("repository " + repo + at + " not found on " + endpoint);
    }

    static HubException fileNotFound(String repo, String revision, String path) {
        return new HubException("file " + path + " not found in " + repo + " (revision " + revision + ")");
    }

    /** The connection could not be made at all: no network, a name that does not resolve, nothing listening. */
    static HubException cannotReach(URI uri, IOException cause) {
        String origin = uri.getScheme() + "://" + uri.getAuthority();
        return new HubException("cannot reach " + origin + ": " + reason(cause, uri), cause);
    }

    static HubException unexpectedStatus(int status, URI uri) {
        return new HubException("the hub answered HTTP " + status + " for " + uri);
    }

    static HubException cutOff(HubFile file, long bytesKept, Path part, IOException cause) {
        return new HubException("download of " + file.path() + " was cut off at byte " + bytesKept + " of " + file.size()
                + " (connection lost: " + reason(cause, null) + "); the bytes so far are kept in " + part
                + " and running the same command again resumes from there", cause);
    }

    static HubException checksumMismatch(HubFile file, String actual) {
        Checksum expected = file.checksum();
        return new HubException(file.path() + " failed verification: " + expected.kind().label() + " expected "
                + expected.hex() + ", got " + actual + "; the download was deleted, run the command again to fetch it anew");
    }

    /** The most telling message in a chain of causes; the JDK's HTTP client often wraps the real one in a message-less exception. */
    static String reason(Throwable failure, URI uri) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host" + (uri == null ? "" : " " + uri.getHost()) + " (no network, or a misspelt endpoint?)";
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused"; // the JDK's client drops the "Connection refused" text when it retries
            }
        }
        return failure.getClass().getSimpleName();
    }
}
