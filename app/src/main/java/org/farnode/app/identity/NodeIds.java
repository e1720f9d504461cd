package org.farnode.app.identity;

import java.util.regex.Pattern;

/** The textual form of a node id: the lowercase hex SHA-256 fingerprint of the node's public key. */
public final class NodeIds {
    /** Hex characters in a node id: two per byte of a SHA-256 digest. */
    public static final int LENGTH = 64;

    private static final Pattern NODE_ID = Pattern.compile("[0-9a-f]{" + LENGTH + "}");

    private NodeIds() {
    }

    public static boolean isValid(String nodeId) {
        return nodeId != null && NODE_ID.matcher(nodeId).matches();
    }

    /**
     * Returns {@code nodeId} if it is a well-formed node id, else throws an
     * {@link IllegalArgumentException} that names {@code argumentName} and the allowed form.
     */
    public static String requireValid(String nodeId, String argumentName) {
        if (!isValid(nodeId)) {
            throw new IllegalArgumentException(argumentName + " must be a node id: " + LENGTH
                    + " lowercase hex characters (the SHA-256 fingerprint of the node's public key), but was "
                    + describe(nodeId));
        }
        return nodeId;
    }

    private static String describe(String value) {
        if (value == null) {
            return "null";
        }
        return "\"" + value + "\" (" + value.length() + " characters)";
    }
}
