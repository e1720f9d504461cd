/** What the desktop app needs from the operating system that is not drawing: one instance per user. No JavaFX here. */
package org.farnode.app.desktop;
