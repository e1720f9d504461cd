package org.farnode.app.settings;

/**
 * A setting whose value is not allowed.
 *
 * @param field   the record component's name, so a form can mark the field
 * @param message what is wrong and what is allowed, for the person who typed it
 */
public record SettingsProblem(String field, String message) {
}
