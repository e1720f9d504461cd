package org.farnode.installer.icons;

/** One file of the icon set: its name in assets/icons and its content. */
record IconFile(String name, byte[] bytes) {
}
