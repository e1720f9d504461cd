package org.farnode.app.swarm;

import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.LayerRange;

/**
 * The line {@code far node} prints on standard output once it listens, written and parsed here
 * only: {@code node ready host=H port=P node=ID layers=A:B model=HEX}. A launcher reads it to
 * learn the port (when the node picked a free one) and the node id to pin.
 */
public record ReadyLine(PeerAddress address, LayerRange layers, ModelId model) {
    private static final Pattern FORMAT = Pattern.compile(
            "node ready host=(\\S+) port=(\\d+) node=([0-9a-f]{64}) layers=(\\d+):(\\d+) model=([0-9a-f]{64})");

    public String format() {
        return "node ready host=" + address.host() + " port=" + address.port() + " node=" + address.nodeId()
                + " layers=" + layers.start() + ":" + layers.end() + " model=" + model.hex();
    }

    public static Optional<ReadyLine> parse(String line) {
        Matcher m = FORMAT.matcher(line.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ReadyLine(new PeerAddress(m.group(1), Integer.parseInt(m.group(2)), m.group(3)),
                new LayerRange(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))),
                new ModelId(HexFormat.of().parseHex(m.group(6)))));
    }
}
