package org.farnode.ui.tryit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.farnode.app.desktop.ActivityLog;
import org.farnode.app.desktop.DesktopNode;
import org.farnode.app.model.SyntheticLlama;
import org.farnode.app.model.chat.PromptFormat;
import org.farnode.app.model.gguf.GgufValue;
import org.farnode.app.settings.OperatorSettings;
import org.farnode.backend.tensor.GgmlType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Try it on a model with a Llama 3 chat template: the panel says it chats, and keeps the conversation across runs. */
@ExtendWith(ApplicationExtension.class)
class TryItChatViewTest {
    private static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim"
            + " + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

    @TempDir
    static Path folder;

    private DesktopNode node;
    private TryItView view;

    @Start
    void start(Stage stage) throws Exception {
        Path model = folder.resolve("chat.gguf");
        new SyntheticLlama(64, 192, 3, 4, 2, 300, 512, 10000f, 1e-5f, GgmlType.F32, false, 5).writer()
                .put(PromptFormat.TEMPLATE_KEY, GgufValue.string(LLAMA3)).write(model);
        node = DesktopNode.start(OperatorSettings.defaults().withModelFile(model.toString()), folder.resolve("node"),
                new ActivityLog(), step -> { });
        view = new TryItView(node.swarm());
        stage.setScene(new Scene(view, 1000, 700));
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        view.shutdown();
        node.close();
    }

    @Test
    void theConversationGrowsRunByRunAndStartsAfreshOnRequest(FxRobot robot) throws Exception {
        assertThat(robot.lookup("#try-mode").queryAs(Label.class).getText()).isEqualTo("chat: Llama 3 template");
        robot.interact(() -> robot.lookup("#try-max-tokens").queryAs(TextField.class).setText("3"));
        generate(robot);
        TextArea output = robot.lookup("#try-output").queryAs(TextArea.class);
        assertThat(output.getText()).startsWith("You: Hello! Who are you?\n\nModel: ");
        robot.interact(() -> robot.lookup("#try-prompt").queryAs(TextField.class).setText("Tell me more"));
        generate(robot);
        assertThat(output.getText()).contains("\n\nYou: Tell me more\n\nModel: ");

        robot.clickOn("#try-new-chat");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> output.getText().isEmpty());
    }

    private static void generate(FxRobot robot) throws Exception {
        robot.interact(() -> robot.lookup("#try-summary").queryAs(Label.class).setText(""));
        robot.clickOn("#try-run");
        Label summary = robot.lookup("#try-summary").queryAs(Label.class);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> summary.getText().contains("tokens per round trip") || summary.getText().contains("failed"));
        assertThat(summary.getText()).contains("tokens per round trip");
    }
}
