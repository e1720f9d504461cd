package org.farnode.ui.dashboard;

import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;

/**
 * A line chart of the last {@link #WINDOW_SECONDS} seconds, one point per second per series.
 * Symbols and animation are off: a point a second on several series stays cheap to draw.
 */
final class RollingChart extends LineChart<Number, Number> {
    static final int WINDOW_SECONDS = 120;

    RollingChart(String yLabel, String... seriesNames) {
        super(new NumberAxis(), new NumberAxis());
        NumberAxis x = (NumberAxis) getXAxis();
        x.setLabel("seconds since the node started");
        x.setAutoRanging(false);
        x.setLowerBound(0);
        x.setUpperBound(WINDOW_SECONDS);
        x.setTickUnit(30);
        getYAxis().setLabel(yLabel);
        setAnimated(false);
        setCreateSymbols(false);
        setMinHeight(180);
        setPrefHeight(200);
        setLegendVisible(seriesNames.length > 1);
        for (String name : seriesNames) {
            XYChart.Series<Number, Number> series = new XYChart.Series<>();
            series.setName(name);
            getData().add(series);
        }
    }

    /** Adds one value per series for the second at {@code secondsSinceStart}, and drops what slid out of the window. */
    void add(long secondsSinceStart, double... values) {
        for (int i = 0; i < values.length; i++) {
            var points = getData().get(i).getData();
            points.add(new XYChart.Data<>(secondsSinceStart, Double.isNaN(values[i]) ? 0 : values[i]));
            while (points.size() > WINDOW_SECONDS + 1) {
                points.removeFirst();
            }
        }
        NumberAxis x = (NumberAxis) getXAxis();
        // The window slides by moving the axis, not by rewriting every point.
        x.setLowerBound(Math.max(0, secondsSinceStart - WINDOW_SECONDS));
        x.setUpperBound(Math.max(WINDOW_SECONDS, secondsSinceStart));
    }
}
