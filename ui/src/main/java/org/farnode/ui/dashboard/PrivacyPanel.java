package org.farnode.ui.dashboard;

import javafx.scene.control.Label;
import org.farnode.app.desktop.DashboardSnapshot;
import org.farnode.app.desktop.DesktopNode;
import org.farnode.app.desktop.PrivacyFigure;
import org.farnode.app.shard.LayerRange;

/**
 * What this node learns, said plainly: hidden states entering its layers, never token ids or
 * text; every link's encryption; and how much of a prompt an operator here could recover from
 * what it sees, as the privacy audit measured it for this model and position.
 */
final class PrivacyPanel extends Section {
    private final Label links;

    PrivacyPanel(DesktopNode node) {
        super("Privacy");
        LayerRange layers = node.swarm().layout().thisNode();
        figure("This node receives", "privacy-receives").setText(layers.start() == 0
                ? "the token embeddings of each window (vectors of layer 0's input, computed by the gateway), never token ids or text"
                : "the hidden states entering layer " + layers.start() + " (the output of layer " + (layers.start() - 1)
                        + "), never token ids or text");
        figure("It sends back", "privacy-sends").setText("the hidden states leaving layer " + (layers.end() - 1));
        links = figure("Links", "privacy-tls");
        figure("Token recovery", "privacy-recovery").setText(node.privacy().map(PrivacyFigure::sentence)
                .orElse("not measured for this model yet (far privacy-audit --model FILE --out FILE.privacy.json measures it); "
                        + "until then assume an operator here can recover the prompt"));
    }

    void show(DashboardSnapshot snapshot) {
        var tls = snapshot.connections().stream().map(c -> c.address() + ": " + c.tls()).toList();
        links.setText(tls.isEmpty() ? "no gateway connected" : String.join("\n", tls));
    }
}
