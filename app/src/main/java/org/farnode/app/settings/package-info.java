/**
 * The node operator's settings: what they are, which values are allowed (with a message per
 * wrong field), and where they are kept (JSON in the per-user app-data folder). No JavaFX here:
 * the desktop app edits these, and the command line can read the same file.
 */
package org.farnode.app.settings;
