package org.farnode.app.desktop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * "Start on login": on Linux and other XDG desktops, an autostart entry
 * {@code $XDG_CONFIG_HOME/autostart/far-node.desktop} (or {@code ~/.config/autostart}), which
 * GNOME, KDE, Xfce and the others run when the user logs in. macOS and Windows are not done yet,
 * and say so rather than seeming to work.
 */
public final class LoginStart {
    private static final String FILE_NAME = "far-node.desktop";
    /** Characters the desktop entry specification says an Exec argument must be quoted for. */
    private static final String RESERVED = " \t\n\"'\\><~|&;$*?#()`";

    private final String system;
    private final Optional<Path> entry;

    /** Where {@code osName} (as in {@code os.name}) with {@code environment} keeps autostart entries for the user at {@code home}. */
    public LoginStart(String osName, Map<String, String> environment, Path home) {
        this.system = osName;
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows") || os.startsWith("mac")) {
            this.entry = Optional.empty();
        } else {
            String xdg = environment.get("XDG_CONFIG_HOME");
            Path config = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config"); // as the XDG spec says
            this.entry = Optional.of(config.resolve("autostart").resolve(FILE_NAME));
        }
    }

    /** For the user running this process. */
    public static LoginStart forThisUser() {
        return new LoginStart(System.getProperty("os.name", ""), System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The autostart entry this system uses; empty where start on login is not available. */
    public Optional<Path> entryFile() {
        return entry;
    }

    /** {@link #apply(boolean, List)} for a launch command that is one program, with no arguments. */
    public void apply(boolean enabled, String launchCommand) {
        apply(enabled, List.of(launchCommand));
    }

    /**
     * Writes the autostart entry running {@code launchCommand} (the program, then its arguments,
     * each quoted as needed), or removes it. Removing where there is none, or on a system without
     * start on login, does nothing.
     *
     * @throws UnsupportedOperationException when enabling on a system where it is not available yet
     * @throws IllegalArgumentException      when enabling with no program to start
     */
    public void apply(boolean enabled, List<String> launchCommand) {
        if (entry.isEmpty()) {
            if (enabled) {
                throw new UnsupportedOperationException("start on login is not available on " + system
                        + " yet; start FAR Node yourself after logging in");
            }
            return;
        }
        Path file = entry.get();
        try {
            if (!enabled) {
                Files.deleteIfExists(file);
                return;
            }
            if (launchCommand.isEmpty() || launchCommand.getFirst().isBlank()) {
                throw new IllegalArgumentException("start on login needs the program that starts FAR Node, got " + launchCommand);
            }
            Files.createDirectories(file.getParent());
            Path next = Files.createTempFile(file.getParent(), FILE_NAME, ".new");
            Files.writeString(next, desktopEntry(launchCommand), StandardCharsets.UTF_8);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + (enabled ? "write " : "remove ") + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the autostart entry is there and not switched off (a desktop's own startup settings
     * switch it off by writing {@code Hidden=true} or {@code X-GNOME-Autostart-enabled=false}).
     */
    public boolean isEnabled() {
        if (entry.isEmpty() || !Files.isRegularFile(entry.get())) {
            return false;
        }
        try {
            List<String> lines = Files.readAllLines(entry.get(), StandardCharsets.UTF_8).stream().map(String::strip).toList();
            return !lines.contains("Hidden=true") && !lines.contains("X-GNOME-Autostart-enabled=false");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entry.get() + ": " + e.getMessage(), e);
        }
    }

    static String desktopEntry(List<String> launchCommand) {
        return """
                [Desktop Entry]
                Type=Application
                Name=FAR Node
                Comment=Starts FAR Node when you log in (set in FAR Node's settings: Start on login)
                Exec=%s
                Terminal=false
                X-GNOME-Autostart-enabled=true
                """.formatted(execValue(launchCommand));
    }

    /**
     * The {@code Exec} value for {@code command}: each argument with a reserved character in double
     * quotes, with {@code " ` $ \} escaped inside; {@code %} doubled (a lone one starts a field
     * code); then the string escapes every value has, which double each backslash again.
     */
    static String execValue(List<String> command) {
        String quoted = command.stream().map(LoginStart::execArgument).collect(Collectors.joining(" "));
        return quoted.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }

    private static String execArgument(String argument) {
        String literal = argument.replace("%", "%%");
        if (!literal.isEmpty() && literal.chars().noneMatch(c -> RESERVED.indexOf(c) >= 0)) {
            return literal;
        }
        return '"' + literal.replace("\\", "\\\\").replace("\"", "\\\"").replace("`", "\\`").replace("$", "\\$") + '"';
    }
}
