/**
 * {@code --self-test}: a headless run that proves an installed FAR Node works (devices, a model, a
 * two-node swarm on loopback, 16 generated tokens) and prints what it found. No JavaFX, no AWT:
 * it must run on a machine without a display.
 */
package org.farnode.app.selftest;
