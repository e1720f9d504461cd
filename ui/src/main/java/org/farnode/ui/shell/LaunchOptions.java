package org.farnode.ui.shell;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.farnode.app.settings.AppDataFolder;

/**
 * The desktop app's command-line options.
 *
 * @param dataFolder  where settings and the node's key live (default: the OS's per-user app-data folder)
 * @param model       a model to use when none is chosen yet (skips the first-run screen); with
 *                    {@code selfTest}, the model the self-test runs
 * @param testTraffic whether the local gateway generates stories through the swarm from the start
 * @param tray        whether to put an icon in the system tray
 * @param selfTest    run the headless self-test instead of the app, and exit
 */
public record LaunchOptions(Path dataFolder, Optional<Path> model, boolean testTraffic, boolean tray, boolean selfTest) {
    public static final String USAGE = """
            Usage: far-node [--data-folder DIR] [--model FILE.gguf] [--no-test-traffic] [--no-tray]
                   far-node --self-test [--model FILE.gguf]
              --data-folder DIR   where settings.json, the node's key and logs/far-node.log live (default: %s)
              --model FILE.gguf   the model to serve when none is chosen yet (else the first start asks for one)
              --no-test-traffic   do not start the local gateway's stories (the switch in the window starts them)
              --no-tray           no system tray icon (closing the window quits)
              --self-test         prove this installation works, without a display: find the devices, load the model
                                  (--model, else a small synthetic one), generate 16 tokens through a 2-node swarm on
                                  loopback, print a summary; exit 0 only when every step passed""";

    /**
     * Reads {@code args}.
     *
     * @throws IllegalArgumentException an unknown option, a missing value, or an option {@code --self-test} does not take, saying which
     */
    public static LaunchOptions parse(List<String> args) {
        Path folder = AppDataFolder.current();
        Optional<Path> model = Optional.empty();
        boolean traffic = true;
        boolean tray = true;
        boolean selfTest = false;
        String appOnly = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--data-folder" -> folder = Path.of(value(args, ++i, arg));
                case "--model" -> model = Optional.of(Path.of(value(args, ++i, arg)));
                case "--no-test-traffic" -> traffic = false;
                case "--no-tray" -> tray = false;
                case "--self-test" -> selfTest = true;
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
            if (!arg.equals("--model") && !arg.equals("--self-test")) {
                appOnly = arg;
            }
        }
        if (selfTest && appOnly != null) {
            // The self-test never opens the user's data folder nor a window: an option for them would be silently ignored.
            throw new IllegalArgumentException("--self-test takes only --model FILE.gguf, not '" + appOnly + "'");
        }
        return new LaunchOptions(folder, model, traffic, tray, selfTest);
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size() || args.get(index).startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(index);
    }
}
