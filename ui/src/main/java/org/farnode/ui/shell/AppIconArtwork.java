package org.farnode.ui.shell;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Point2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * The FAR Node app icon, drawn with Java2D so that the window, the tray and every OS's icon file
 * come from one drawing: a rounded square in an accent colour carrying a white mark of four peers,
 * three around a hub, each joined to the hub and to its neighbours.
 *
 * <p>At 16 to 23 px the hub and its spokes would blur into the ring, so small icons show the
 * triangle of three peers alone, drawn heavier. Only {@code java.awt} is used: the installer
 * module writes the icon files with it and has no JavaFX.
 */
public final class AppIconArtwork {
    /** Primer's accent blue, the colour of the app's own buttons and links (AtlantaFX PrimerLight). */
    public static final Color BRAND_ACCENT = new Color(0x0969da);
    public static final int MIN_SIZE = 16;
    public static final int MAX_SIZE = 1024;
    /** Below this size the mark drops its hub. */
    private static final int SMALLEST_WITH_HUB = 24;
    /** Below this size a shadow would only smudge the mark's edge. */
    private static final int SMALLEST_WITH_SHADOW = 48;
    /** How many times smaller the shadow is drawn before being stretched back: the width of its blur. */
    private static final int SHADOW_SHRINK = 6;

    private final Color accent;

    /** @param accent the badge's colour; opaque, since the badge must hide what lies under the icon */
    public AppIconArtwork(Color accent) {
        Objects.requireNonNull(accent, "accent");
        if (accent.getAlpha() != 255) {
            throw new IllegalArgumentException("accent must be opaque, was alpha " + accent.getAlpha());
        }
        this.accent = accent;
    }

    /** The application's own icon, in {@link #BRAND_ACCENT}. */
    public static AppIconArtwork brand() {
        return new AppIconArtwork(BRAND_ACCENT);
    }

    public Color accent() {
        return accent;
    }

    /** The icon as a square ARGB image, transparent outside the badge. */
    public BufferedImage render(int size) {
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be " + MIN_SIZE + " to " + MAX_SIZE + " px, was " + size);
        }
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_COLOR_RENDERING, RenderingHints.VALUE_COLOR_RENDER_QUALITY);
            // Exact geometry rather than strokes nudged to whole pixels: the same shape at every size.
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            drawBadge(g, size);
            if (size >= SMALLEST_WITH_SHADOW) {
                drawShadow(g, size);
            }
            drawMark(g, size, Color.WHITE, withAlpha(Color.WHITE, 0.7));
        } finally {
            g.dispose();
        }
        return image;
    }

    private void drawBadge(Graphics2D g, int size) {
        double inset = size / 16.0;
        double side = size - 2 * inset;
        RoundRectangle2D badge = new RoundRectangle2D.Double(inset, inset, side, side, side * 0.44, side * 0.44);
        g.setPaint(new GradientPaint(0, (float) inset, mix(accent, Color.WHITE, 0.18),
                0, (float) (inset + side), mix(accent, Color.BLACK, 0.22)));
        g.fill(badge);
        // A rim a shade darker than the badge keeps its edge visible on a background of the same colour.
        float rim = (float) Math.max(1.0, size / 96.0);
        g.setStroke(new BasicStroke(rim));
        g.setColor(withAlpha(mix(accent, Color.BLACK, 0.45), 0.35));
        g.draw(new RoundRectangle2D.Double(inset + rim / 2, inset + rim / 2, side - rim, side - rim,
                side * 0.44 - rim, side * 0.44 - rim));
    }

    /**
     * A soft shadow under the mark, as if lit from above: the mark drawn small in black, then
     * stretched back to size with bilinear interpolation, which blurs its edges, and laid on the
     * badge a little lower, a quarter opaque.
     */
    private void drawShadow(Graphics2D g, int size) {
        int small = size / SHADOW_SHRINK;
        BufferedImage shadow = new BufferedImage(small, small, BufferedImage.TYPE_INT_ARGB);
        Graphics2D s = shadow.createGraphics();
        try {
            s.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            s.scale(small / (double) size, small / (double) size);
            drawMark(s, size, Color.BLACK, Color.BLACK);
        } finally {
            s.dispose();
        }
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        int drop = (int) Math.round(size * 0.02);
        // One alpha for the whole shadow, so that where edges and peers overlap it is no darker.
        Composite opaque = g.getComposite();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.25f));
        g.drawImage(shadow, 0, drop, size, size, null);
        g.setComposite(opaque);
    }

    private void drawMark(Graphics2D g, int size, Color nodes, Color ring) {
        boolean withHub = size >= SMALLEST_WITH_HUB;
        double radius = size * (withHub ? 0.27 : 0.25);
        // The triangle's centroid sits below its box's centre; lowering it a little centres it to the eye.
        Point2D hub = new Point2D.Double(size / 2.0, size / 2.0 + radius * 0.1);
        List<Point2D> peers = List.of(around(hub, radius, -90), around(hub, radius, 150), around(hub, radius, 30));
        double peerRadius = size * (withHub ? 0.07 : 0.12);
        float edge = (float) (size * (withHub ? 0.032 : 0.07));

        g.setStroke(new BasicStroke(edge, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.setColor(withHub ? ring : nodes);
        for (int i = 0; i < peers.size(); i++) {
            g.draw(new Line2D.Double(peers.get(i), peers.get((i + 1) % peers.size())));
        }
        g.setColor(nodes);
        if (withHub) {
            for (Point2D peer : peers) {
                g.draw(new Line2D.Double(hub, peer));
            }
            fillCircle(g, hub, size * 0.085);
        }
        for (Point2D peer : peers) {
            fillCircle(g, peer, peerRadius);
        }
    }

    private static Point2D around(Point2D centre, double radius, double degrees) {
        double radians = Math.toRadians(degrees);
        return new Point2D.Double(centre.getX() + radius * Math.cos(radians), centre.getY() + radius * Math.sin(radians));
    }

    private static void fillCircle(Graphics2D g, Point2D centre, double radius) {
        g.fill(new Ellipse2D.Double(centre.getX() - radius, centre.getY() - radius, 2 * radius, 2 * radius));
    }

    /** {@code from} moved {@code share} of the way to {@code to}, channel by channel. */
    private static Color mix(Color from, Color to, double share) {
        return new Color(
                (int) Math.round(from.getRed() + (to.getRed() - from.getRed()) * share),
                (int) Math.round(from.getGreen() + (to.getGreen() - from.getGreen()) * share),
                (int) Math.round(from.getBlue() + (to.getBlue() - from.getBlue()) * share));
    }

    private static Color withAlpha(Color color, double alpha) {
        return new Color(color.getRed(), color.getGreen(), color.getBlue(), (int) Math.round(255 * alpha));
    }
}
