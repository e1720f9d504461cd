package org.farnode.app.node;

import org.farnode.app.protocol.PeerMessage;

/** Where a node connection's replies go: the channel in production, a list in tests. */
interface PeerLink {
    void send(PeerMessage message);

    /** Sends {@code message}, then closes the connection once it is written. */
    void sendAndClose(PeerMessage message);

    /** How the link is protected, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384", read now (the handshake may still be running). */
    default String security() {
        return "not a network link";
    }
}
