package org.farnode.ui.tryit;

import atlantafx.base.theme.Styles;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.farnode.app.desktop.EmbeddedSwarm;
import org.farnode.app.desktop.TryIt;
import org.farnode.app.desktop.TryIt.HopRow;
import org.farnode.app.model.chat.PromptFormat;
import org.farnode.ui.dashboard.Figures;

/**
 * "Try it": a prompt sent through the swarm as a user's gateway sends it, the text streaming back,
 * each hop's bytes and the tokens gained per round trip. Greedy, so the same prompt always gives
 * the same text. A model with a chat template it recognises is chatted with, the panel keeping the
 * conversation; any other continues the prompt; a line says which. The generation runs on its own
 * thread; the FX thread only shows its progress.
 */
public final class TryItView extends VBox {
    private final EmbeddedSwarm swarm;
    /** Touched only on the worker thread, which runs one generation at a time. */
    private final TryIt.Conversation conversation;
    private final boolean chat;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "try-it");
        thread.setDaemon(true);
        return thread;
    });
    private final TextField prompt = new TextField("Once upon a time");
    private final TextField maxTokens = new TextField("256");
    private final ChoiceBox<String> codec = new ChoiceBox<>();
    private final CheckBox promptLookup = new CheckBox("Speculate with prompt lookup (same text, fewer round trips)");
    private final Button run = new Button("Generate");
    private final Button newChat = new Button("New conversation");
    private final Label mode = new Label();
    private final TextArea output = new TextArea();
    private final Label summary = new Label("Greedy decoding: the same prompt always gives the same text.");
    private final TableView<HopRow> hops = new TableView<>();

    public TryItView(EmbeddedSwarm swarm) {
        super(12);
        this.swarm = swarm;
        this.conversation = TryIt.Conversation.with(swarm);
        this.chat = conversation.format() instanceof PromptFormat.Chat;
        setPadding(new Insets(16));
        setId("try-it");
        prompt.setId("try-prompt");
        prompt.setPromptText("A prompt (empty: start from the beginning-of-text token)");
        HBox.setHgrow(prompt, Priority.ALWAYS);
        maxTokens.setId("try-max-tokens");
        maxTokens.setPrefColumnCount(5);
        codec.setId("try-codec");
        codec.getItems().addAll("fp32", "fp16", "int8", "int4");
        codec.setValue("fp16");
        promptLookup.setId("try-speculate");
        promptLookup.setSelected(true);
        run.setId("try-run");
        run.getStyleClass().add(Styles.ACCENT);
        run.setDefaultButton(true);
        run.setOnAction(event -> start());
        mode.setId("try-mode");
        mode.setText(conversation.format().description());
        mode.getStyleClass().add(Styles.TEXT_MUTED);
        newChat.setId("try-new-chat");
        newChat.setVisible(chat);
        newChat.setManaged(chat);
        newChat.setOnAction(event -> clearConversation());
        if (chat) {
            prompt.setText("Hello! Who are you?");
            prompt.setPromptText("Your next message");
        }
        output.setId("try-output");
        output.setEditable(false);
        output.setWrapText(true);
        output.setPrefRowCount(10);
        VBox.setVgrow(output, Priority.ALWAYS);
        summary.setId("try-summary");
        summary.setWrapText(true);
        hops.setId("try-hops");
        hops.getStyleClass().add(Styles.DENSE);
        hops.setMinHeight(170);
        hops.setPrefHeight(170);
        hops.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        hops.getColumns().addAll(List.of(
                column("hop node", row -> row.nodeId().substring(0, 12)),
                column("layers", HopRow::layers),
                column("bytes sent", row -> Figures.bytes(row.bytesSent())),
                column("bytes received", row -> Figures.bytes(row.bytesReceived())),
                column("round trips", row -> String.valueOf(row.windows()))));
        Label title = new Label("Try it: a prompt through the swarm");
        title.getStyleClass().add(Styles.TITLE_3);
        Label note = new Label("The gateway in this app tokenizes the prompt and turns tokens into vectors; the nodes see only "
                + "those vectors, from which a node can still recover the prompt (docs/PRIVACY.md). Each hop's bytes are whole "
                + "protocol frames, before TLS.");
        note.setWrapText(true);
        note.getStyleClass().add(Styles.TEXT_MUTED);
        getChildren().addAll(title, note,
                new HBox(8, new Label(chat ? "Message" : "Prompt"), prompt, new Label("Tokens"), maxTokens, new Label("Codec"),
                        codec, run, newChat),
                mode, promptLookup, output, summary, hops);
    }

    private static TableColumn<HopRow, String> column(String title, java.util.function.Function<HopRow, String> value) {
        TableColumn<HopRow, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        column.setSortable(false);
        return column;
    }

    private void start() {
        int tokens;
        try {
            tokens = Integer.parseInt(maxTokens.getText().trim());
        } catch (NumberFormatException e) {
            summary.setText("Tokens must be a whole number, got '" + maxTokens.getText() + "'.");
            return;
        }
        String text = prompt.getText();
        String chosenCodec = codec.getValue();
        boolean speculate = promptLookup.isSelected();
        run.setDisable(true);
        newChat.setDisable(true);
        if (chat) {
            output.appendText((output.getText().isEmpty() ? "" : "\n\n") + "You: " + text + "\n\nModel: ");
        } else {
            output.setText(text);
        }
        hops.getItems().clear();
        summary.setText("Generating...");
        worker.execute(() -> generate(text, tokens, chosenCodec, speculate));
    }

    private void generate(String text, int tokens, String chosenCodec, boolean speculate) {
        try {
            TryIt.Summary result = TryIt.run(swarm, conversation, text, tokens, chosenCodec, speculate,
                    (piece, hopRows) -> Platform.runLater(() -> {
                        output.appendText(piece);
                        hops.getItems().setAll(hopRows);
                    }));
            Platform.runLater(() -> {
                hops.getItems().setAll(result.hops());
                summary.setText(String.format(Locale.ROOT,
                        "%d tokens, %.2f tokens per round trip, %.1f tokens/s while decoding; stopped: %s; codec %s.",
                        result.generatedTokens(), result.tokensPerRoundTrip(), result.decodeTokensPerSecond(),
                        result.stopReason(), chosenCodec));
            });
        } catch (RuntimeException e) {
            Platform.runLater(() -> summary.setText("The generation failed: " + e.getMessage()));
        } finally {
            Platform.runLater(() -> {
                run.setDisable(false);
                newChat.setDisable(false);
            });
        }
    }

    private void clearConversation() {
        run.setDisable(true);
        newChat.setDisable(true);
        worker.execute(() -> {
            conversation.clear();
            Platform.runLater(() -> {
                output.clear();
                summary.setText("A new conversation.");
                run.setDisable(false);
                newChat.setDisable(false);
            });
        });
    }

    /** Stops the generation thread (the app is closing). */
    public void shutdown() {
        worker.shutdownNow();
    }
}
