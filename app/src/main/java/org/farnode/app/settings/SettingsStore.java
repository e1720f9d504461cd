package org.farnode.app.settings;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The operator's settings as {@code settings.json} in a folder (normally {@link AppDataFolder}).
 * Saving writes a new file beside the old and moves it into place, so a crash never leaves half a
 * file. Loading fills fields the file lacks (an older version wrote it) with the defaults, and a
 * file that cannot be read as settings is moved aside, not overwritten, with a notice saying so.
 */
public final class SettingsStore {
    private static final String FILE_NAME = "settings.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // a newer version's fields are kept out of the way, not fatal
            .registerModule(new SimpleModule().addSerializer(LocalTime.class, new TimeWriter()).addDeserializer(LocalTime.class,
                    new TimeReader()));

    private final Path folder;

    public SettingsStore(Path folder) {
        this.folder = folder;
    }

    /** The settings and, where the file could not be used as it was, a notice for the operator. */
    public record Loaded(OperatorSettings settings, Optional<String> notice) {
    }

    public Path file() {
        return folder.resolve(FILE_NAME);
    }

    /** The saved settings; the defaults when there is no file yet. */
    public Loaded load() {
        Path file = file();
        if (!Files.exists(file)) {
            return new Loaded(OperatorSettings.defaults(), Optional.empty());
        }
        try {
            ObjectNode merged = JSON.valueToTree(OperatorSettings.defaults());
            JsonNode saved = JSON.readTree(file.toFile());
            if (!(saved instanceof ObjectNode fields)) {
                throw new SettingsFileException("it holds " + saved.getNodeType().name().toLowerCase(Locale.ROOT) + ", not an object of settings");
            }
            merged.setAll(fields);
            return new Loaded(JSON.treeToValue(merged, OperatorSettings.class), Optional.empty());
        } catch (JacksonException | SettingsFileException e) {
            Path aside = moveAside(file);
            return new Loaded(OperatorSettings.defaults(), Optional.of("the settings in " + file + " could not be read ("
                    + firstLine(e.getMessage()) + "); they were moved to " + aside + " and the defaults are in use"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Saves {@code settings}, replacing the file as one step.
     *
     * @throws IllegalArgumentException listing every problem, when a value is not allowed (the file is left as it was)
     */
    public void save(OperatorSettings settings) {
        List<SettingsProblem> problems = SettingsValidation.problems(settings);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("settings not saved: "
                    + String.join("; ", problems.stream().map(SettingsProblem::message).toList()));
        }
        try {
            Files.createDirectories(folder);
            Path next = Files.createTempFile(folder, FILE_NAME, ".new");
            JSON.writeValue(next.toFile(), settings);
            Files.move(next, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the settings to " + file() + ": " + e.getMessage(), e);
        }
    }

    /** Moves an unreadable file to a name no earlier one has (two can go unreadable within a millisecond). */
    private static Path moveAside(Path file) {
        String stamp = FILE_NAME + ".unreadable-" + System.currentTimeMillis();
        for (int attempt = 0; ; attempt++) {
            Path aside = file.resolveSibling(attempt == 0 ? stamp : stamp + "-" + attempt);
            try {
                Files.move(file, aside);
                return aside;
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                // an earlier unreadable file has this name: try the next
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move the unreadable settings file " + file + " aside: " + e.getMessage(), e);
            }
        }
    }

    private static String firstLine(String message) {
        return message == null ? "unknown error" : message.lines().findFirst().orElse(message);
    }

    /** A file that is JSON but not settings. */
    private static final class SettingsFileException extends Exception {
        SettingsFileException(String message) {
            super(message);
        }
    }

    /** Times of day as {@code "HH:MM"}, as a person would write them in the file. */
    private static final class TimeWriter extends JsonSerializer<LocalTime> {
        @Override
        public void serialize(LocalTime time, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeString(time.toString());
        }
    }

    private static final class TimeReader extends JsonDeserializer<LocalTime> {
        @Override
        public LocalTime deserialize(JsonParser in, DeserializationContext context) throws IOException {
            String text = in.getValueAsString();
            try {
                return LocalTime.parse(text);
            } catch (DateTimeParseException | NullPointerException e) {
                throw context.weirdStringException(text, LocalTime.class, "a time of day must look like 18:30");
            }
        }
    }
}
