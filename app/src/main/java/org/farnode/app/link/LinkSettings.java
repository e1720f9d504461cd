package org.farnode.app.link;

/**
 * Both directions of an emulated hop.
 *
 * @param up   client to target (the side that connects to the emulator towards the side it forwards to)
 * @param down target to client
 */
public record LinkSettings(OneWayLink up, OneWayLink down) {

    public LinkSettings {
        if (up == null || down == null) {
            throw new IllegalArgumentException("both directions of a link need settings");
        }
    }

    public static LinkSettings symmetric(OneWayLink both) {
        return new LinkSettings(both, both);
    }

    public String describe() {
        return "up " + up.describe() + "; down " + down.describe();
    }
}
