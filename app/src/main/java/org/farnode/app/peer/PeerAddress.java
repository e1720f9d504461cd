package org.farnode.app.peer;

/**
 * Where a node listens and which node it must be: {@code HOST:PORT@NODEID}, the node id being the
 * fingerprint of its public key (64 hex digits). The gateway refuses a peer that presents another key.
 */
public record PeerAddress(String host, int port, String nodeId) {

    public PeerAddress {
        if (host.isBlank()) {
            throw new IllegalArgumentException("a peer needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        if (!nodeId.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("node id '" + nodeId + "' must be 64 lowercase hex digits (the key fingerprint a node prints at start)");
        }
    }

    /** Parses {@code HOST:PORT@NODEID}; the message of a bad value shows the expected form. */
    public static PeerAddress parse(String text) {
        int at = text.lastIndexOf('@');
        int colon = at < 0 ? -1 : text.lastIndexOf(':', at);
        if (at < 0 || colon < 0) {
            throw new IllegalArgumentException("peer '" + text + "' must look like HOST:PORT@NODEID");
        }
        try {
            return new PeerAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1, at)),
                    text.substring(at + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer '" + text + "' has a port that is not a number; expected HOST:PORT@NODEID");
        }
    }

    /** {@code host:port} and the first 12 digits of the node id, for messages. */
    public String describe() {
        return "node " + nodeId.substring(0, 12) + " at " + host + ":" + port;
    }

    @Override
    public String toString() {
        return host + ":" + port + "@" + nodeId;
    }
}
