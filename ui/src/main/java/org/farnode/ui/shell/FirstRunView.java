package org.farnode.ui.shell;

import atlantafx.base.theme.Styles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * The first start with no model chosen: asks for a GGUF file, says where to get one, and checks
 * the file before going on.
 */
public final class FirstRunView extends VBox {
    private final TextField file = new TextField();
    private final Label problem = new Label();

    /** {@code onChosen} gets the chosen file once it exists and starts like a GGUF file. */
    public FirstRunView(String reason, Consumer<Path> onChosen) {
        super(14);
        setPadding(new Insets(40));
        setMaxWidth(760);
        setId("first-run");
        Label title = new Label("Welcome to FAR Node");
        title.getStyleClass().add(Styles.TITLE_2);
        Label explain = new Label("FAR Node serves a share of a language model's layers to the network. To begin it needs a model "
                + "file in GGUF format (a Llama-family model). Once chosen, the app starts a small network on this computer — "
                + "this node, two local peers and a local gateway — so the dashboard shows real figures at once.");
        explain.setWrapText(true);
        Label where = new Label("Where to get one: GGUF files of Llama-family models are published on Hugging Face "
                + "(search for \"GGUF\", e.g. TinyLlama-1.1B-Chat in Q8_0 or Q4_0). For a first try, the tiny stories260K "
                + "model of llama2.c's TinyStories examples works well and runs on any computer.");
        where.setWrapText(true);
        where.getStyleClass().add(Styles.TEXT_MUTED);
        Label reasonLabel = new Label(reason);
        reasonLabel.setWrapText(true);
        reasonLabel.getStyleClass().add(Styles.WARNING);
        reasonLabel.setVisible(!reason.isBlank());
        reasonLabel.setManaged(!reason.isBlank());
        file.setId("model-path");
        file.setPromptText("/path/to/model.gguf");
        HBox.setHgrow(file, Priority.ALWAYS);
        Button browse = new Button("Browse…");
        browse.setId("browse-model");
        browse.setOnAction(event -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Choose a GGUF model");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("GGUF models", "*.gguf"));
            File chosen = chooser.showOpenDialog(getScene().getWindow());
            if (chosen != null) {
                file.setText(chosen.getAbsolutePath());
            }
        });
        Button start = new Button("Start the node");
        start.setId("start-node");
        start.getStyleClass().add(Styles.ACCENT);
        start.setDefaultButton(true);
        start.setOnAction(event -> check(onChosen));
        problem.setId("model-problem");
        problem.getStyleClass().add(Styles.DANGER);
        problem.setWrapText(true);
        getChildren().addAll(title, explain, where, reasonLabel, new HBox(8, file, browse), start, problem);
    }

    private void check(Consumer<Path> onChosen) {
        String text = file.getText().trim();
        if (text.isEmpty()) {
            problem.setText("Choose a model file first.");
            return;
        }
        Path path = Path.of(text);
        if (!Files.isRegularFile(path)) {
            problem.setText(path + " does not exist or is not a file.");
            return;
        }
        if (!ModelFiles.isGguf(path)) {
            problem.setText(path.getFileName() + " is not a GGUF file (it does not start with the GGUF magic bytes).");
            return;
        }
        problem.setText("");
        onChosen.accept(path.toAbsolutePath());
    }
}
