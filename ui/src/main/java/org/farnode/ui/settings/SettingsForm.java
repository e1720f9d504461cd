package org.farnode.ui.settings;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import org.farnode.app.settings.OperatorSettings;
import org.farnode.app.settings.SettingsProblem;
import org.farnode.app.settings.SettingsStore;
import org.farnode.app.settings.SettingsValidation;
import org.farnode.app.settings.WeeklySchedule;
import org.farnode.app.settings.WeeklySlot;

/**
 * The settings screen's form: one field per setting, each with the message of what is wrong with
 * its value under it, and Save, which writes the file only when every value is allowed. The rules
 * and the file are the core's ({@link SettingsValidation}, {@link SettingsStore}); this class only
 * shows them.
 */
public final class SettingsForm extends VBox {
    /** Said on a save with no node running: nothing waits for a change that cannot happen yet. */
    static final String APPLIED_AT_START = "The node uses them when it starts.";

    private final SettingsStore store;
    private final Function<OperatorSettings, String> apply;
    private final Map<String, Label> problemLabels = new LinkedHashMap<>();
    private final ChoiceBox<String> backend = new ChoiceBox<>();
    private final TextField device = field("device");
    private final TextField vramCapMib = field("vramCapMib");
    private final TextField gpuSharePercent = field("gpuSharePercent");
    private final TextField uploadCapMbit = field("uploadCapMbit");
    private final TextField downloadCapMbit = field("downloadCapMbit");
    private final TextField dailyDataCapGib = field("dailyDataCapGib");
    private final TextField listenPort = field("listenPort");
    private final TextField bootstrapPeers = field("bootstrapPeers");
    private final TextField modelFile = field("modelFile");
    private final TextField layers = field("layers");
    private final TextField schedule = field("schedule");
    private final CheckBox onlyWhenIdle = new CheckBox("Serve only while this computer is idle");
    private final CheckBox startOnLogin = new CheckBox("Start on login");
    private final CheckBox closeToTray = new CheckBox("Closing the window keeps the node running in the tray");
    private final Label status = new Label();
    private OperatorSettings loaded;

    /** A form for settings the node uses when it starts. */
    public SettingsForm(SettingsStore store) {
        this(store, saved -> APPLIED_AT_START);
    }

    /**
     * A form whose saved settings also go to {@code apply} (the running node), which says what it
     * applied at once and what waits for the next start; if it throws, the form says that too.
     */
    public SettingsForm(SettingsStore store, Function<OperatorSettings, String> apply) {
        this.store = store;
        this.apply = apply;
        setId("settings-form");
        setSpacing(8);
        setPadding(new Insets(16));
        backend.getItems().addAll("auto", "vulkan", "cpu");
        backend.setId("backend");
        status.setId("settings-status");
        GridPane grid = new GridPane();
        grid.setHgap(12);
        grid.setVgap(2);
        int row = 0;
        row = addRow(grid, row, "GPU device (auto or a number)", device);
        row = addRow(grid, row, "Backend", backend);
        row = addRow(grid, row, "VRAM cap, MiB (0 = none)", vramCapMib);
        row = addRow(grid, row, "GPU share, %", gpuSharePercent);
        row = addRow(grid, row, "Upload cap, Mbit/s (0 = none)", uploadCapMbit);
        row = addRow(grid, row, "Download cap, Mbit/s (0 = none)", downloadCapMbit);
        row = addRow(grid, row, "Daily data cap, GiB (0 = none)", dailyDataCapGib);
        row = addRow(grid, row, "Listening port (0 = any)", listenPort);
        row = addRow(grid, row, "Bootstrap peers (HOST:PORT@NODEID, comma-separated)", bootstrapPeers);
        row = addRow(grid, row, "Model file (.gguf)", modelFile);
        row = addRow(grid, row, "Layers (auto or a:b)", layers);
        schedule.setPromptText("e.g. Mon-Fri 18:00-23:30; Sat,Sun 00:00-24:00");
        addRow(grid, row, "Weekly schedule (empty = any time)", schedule);
        Button save = new Button("Save");
        save.setId("save-settings");
        save.setDefaultButton(true);
        save.setOnAction(event -> save());
        getChildren().addAll(grid, onlyWhenIdle, startOnLogin, closeToTray, save, status);
        SettingsStore.Loaded stored = store.load();
        show(stored.settings());
        stored.notice().ifPresent(status::setText);
    }

    /** The values in the fields, as settings (a number that does not parse is reported like any other wrong value). */
    public OperatorSettings entered() {
        return new OperatorSettings(device.getText().trim(), backend.getValue(), whole(vramCapMib, -1), (int) whole(gpuSharePercent, 0),
                decimal(uploadCapMbit), decimal(downloadCapMbit), decimal(dailyDataCapGib), (int) whole(listenPort, -1),
                peers(bootstrapPeers.getText()), modelFile.getText().trim(), layers.getText().trim(), onlyWhenIdle.isSelected(),
                scheduleOrEmpty(), startOnLogin.isSelected(), closeToTray.isSelected());
    }

    private List<WeeklySlot> scheduleOrEmpty() {
        try {
            return WeeklySchedule.parse(schedule.getText());
        } catch (IllegalArgumentException e) {
            return List.of(); // save() reports the text's problem itself
        }
    }

    private void save() {
        OperatorSettings settings = entered();
        List<SettingsProblem> problems = SettingsValidation.problems(settings);
        problemLabels.values().forEach(label -> label.setText(""));
        for (SettingsProblem problem : problems) {
            Label label = problemLabels.get(problem.field());
            if (label != null) {
                label.setText(problem.message());
            }
        }
        // A value that is not a number at all is said as such, not as the placeholder it was read as.
        for (TextField number : List.of(vramCapMib, gpuSharePercent, uploadCapMbit, downloadCapMbit, dailyDataCapGib, listenPort)) {
            String text = number.getText().trim();
            if (!text.matches("-?\\d+(\\.\\d+)?")) {
                problemLabels.get(number.getId()).setText("'" + text + "' is not a number");
            }
        }
        int wrong = problems.size();
        try {
            WeeklySchedule.parse(schedule.getText());
        } catch (IllegalArgumentException e) {
            problemLabels.get("schedule").setText(e.getMessage());
            wrong++;
        }
        if (wrong > 0) {
            status.setText("Not saved: " + wrong + (wrong == 1 ? " value needs" : " values need") + " changing");
            return;
        }
        try {
            store.save(settings);
            loaded = settings;
        } catch (RuntimeException e) {
            status.setText("Not saved: " + e.getMessage());
            return;
        }
        try {
            status.setText("Saved to " + store.file() + ". " + apply.apply(settings));
        } catch (RuntimeException e) {
            status.setText("Saved to " + store.file() + ", but applying it to the running node failed: " + e.getMessage());
        }
    }

    private void show(OperatorSettings settings) {
        loaded = settings;
        device.setText(settings.device());
        backend.setValue(settings.backend());
        vramCapMib.setText(Long.toString(settings.vramCapMib()));
        gpuSharePercent.setText(Integer.toString(settings.gpuSharePercent()));
        uploadCapMbit.setText(plain(settings.uploadCapMbit()));
        downloadCapMbit.setText(plain(settings.downloadCapMbit()));
        dailyDataCapGib.setText(plain(settings.dailyDataCapGib()));
        listenPort.setText(Integer.toString(settings.listenPort()));
        bootstrapPeers.setText(String.join(", ", settings.bootstrapPeers()));
        modelFile.setText(settings.modelFile());
        layers.setText(settings.layers());
        schedule.setText(WeeklySchedule.format(settings.schedule()));
        onlyWhenIdle.setSelected(settings.onlyWhenIdle());
        startOnLogin.setSelected(settings.startOnLogin());
        closeToTray.setSelected(settings.closeToTray());
    }

    private TextField field(String name) {
        TextField field = new TextField();
        field.setId(name);
        Label problem = new Label();
        problem.setId(name + "-problem");
        problem.setStyle("-fx-text-fill: #b00020;");
        problemLabels.put(name, problem);
        return field;
    }

    private int addRow(GridPane grid, int row, String caption, javafx.scene.control.Control control) {
        grid.add(new Label(caption), 0, row);
        grid.add(control, 1, row);
        Label problem = problemLabels.get(control.getId());
        if (problem != null) {
            grid.add(problem, 1, row + 1);
        }
        return row + 2;
    }

    private static long whole(TextField field, long whenNotANumber) {
        try {
            return Long.parseLong(field.getText().trim());
        } catch (NumberFormatException e) {
            return whenNotANumber;
        }
    }

    private static double decimal(TextField field) {
        try {
            return Double.parseDouble(field.getText().trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static List<String> peers(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
