package org.farnode.ui.shell;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.farnode.app.settings.AppDataFolder;

/**
 * The desktop app's command-line options.
 *
 * @param dataFolder  where settings and the node's key live (default: the OS's per-user app-data folder)
 * @param model       a model to use when none is chosen yet (skips the first-run screen)
 * @param testTraffic whether the local gateway generates stories through the swarm from the start
 * @param tray        whether to put an icon in the system tray
 */
public record LaunchOptions(Path dataFolder, Optional<Path> model, boolean testTraffic, boolean tray) {
    public static final String USAGE = """
            Usage: far-node [--data-folder DIR] [--model FILE.gguf] [--no-test-traffic] [--no-tray]
              --data-folder DIR   where settings.json and the node's key live (default: %s)
              --model FILE.gguf   the model to serve when none is chosen yet (else the first start asks for one)
              --no-test-traffic   do not start the local gateway's stories (the switch in the window starts them)
              --no-tray           no system tray icon (closing the window quits)""";

    /**
     * Reads {@code args}.
     *
     * @throws IllegalArgumentException an unknown option or a missing value, saying which
     */
    public static LaunchOptions parse(List<String> args) {
        Path folder = AppDataFolder.current();
        Optional<Path> model = Optional.empty();
        boolean traffic = true;
        boolean tray = true;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--data-folder" -> folder = Path.of(value(args, ++i, arg));
                case "--model" -> model = Optional.of(Path.of(value(args, ++i, arg)));
                case "--no-test-traffic" -> traffic = false;
                case "--no-tray" -> tray = false;
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return new LaunchOptions(folder, model, traffic, tray);
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size() || args.get(index).startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(index);
    }
}
