package org.farnode.app.gateway;

/**
 * How each hop of a route guards against its node: when a slow node counts as stalled, how much of
 * its work is checked against another node, and whose bans it honours and adds to.
 */
public record HopPolicy(StallPolicy stall, VerificationPolicy verification, PeerBans bans) {
    /** Stall deadlines by default, no checking, the process's bans. */
    public static HopPolicy standard() {
        return new HopPolicy(StallPolicy.DEFAULT, VerificationPolicy.off(), PeerBans.shared());
    }

    /** The standard policy with a share of windows checked. */
    public static HopPolicy verifying(VerificationPolicy verification) {
        return new HopPolicy(StallPolicy.DEFAULT, verification, PeerBans.shared());
    }

    public HopPolicy withStall(StallPolicy newStall) {
        return new HopPolicy(newStall, verification, bans);
    }

    public HopPolicy withBans(PeerBans newBans) {
        return new HopPolicy(stall, verification, newBans);
    }
}
