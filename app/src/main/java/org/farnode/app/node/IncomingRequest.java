package org.farnode.app.node;

import org.farnode.app.protocol.PeerMessage;

/**
 * A gateway's message waiting in its session's queue: handled in one turn, or, for a window
 * longer than one turn, computed chunk by chunk over several.
 */
final class IncomingRequest implements SessionScheduler.Request {
    private final NodeConnection connection;
    private final PeerMessage message;
    /** Whether the node had stopped taking work when it came: it is refused then, and not waited for. */
    private final boolean arrivedWhileLeaving;
    private final Admission admission;
    private WindowInProgress window;

    IncomingRequest(NodeConnection connection, PeerMessage message, Admission admission) {
        this.connection = connection;
        this.message = message;
        this.admission = admission;
        this.arrivedWhileLeaving = !admission.admit();
    }

    @Override
    public boolean runTurn() {
        boolean done;
        if (window == null) {
            window = connection.receive(message, arrivedWhileLeaving);
            done = window == null;
        } else {
            done = connection.continueWindow(window);
        }
        if (done) {
            finished();
        }
        return done;
    }

    @Override
    public void abandon() {
        if (window != null) {
            window.wipe();
        }
        finished();
    }

    private void finished() {
        if (!arrivedWhileLeaving) {
            admission.done();
        }
    }
}
