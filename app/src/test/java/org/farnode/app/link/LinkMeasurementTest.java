package org.farnode.app.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The acceptance criterion of the emulator (issue 6): measured one-way delay within 5% of the
 * setting, measured rate within 10%, each direction on its own settings.
 */
@Timeout(60)
class LinkMeasurementTest {

    @Test
    void delayIsWithinFivePercentAndRateWithinTenPercentOfTheSettings() throws Exception {
        LinkSettings settings = new LinkSettings(OneWayLink.of(40, 20), OneWayLink.of(25, 8));
        LinkReport report = LinkMeasurement.measure(settings, 11, Duration.ofMillis(300));
        report.lines().forEach(System.out::println);
        for (LinkReport.Direction direction : new LinkReport.Direction[] {report.up(), report.down()}) {
            assertThat(direction.delayError()).as("%s delay error, %s", direction.name(), report.lines())
                    .isCloseTo(0, within(0.05));
            assertThat(direction.rateError()).as("%s rate error, %s", direction.name(), report.lines())
                    .isCloseTo(0, within(0.10));
        }
    }

    @Test
    void anUnlimitedDirectionIsOnlyDelayed() throws Exception {
        LinkSettings settings = new LinkSettings(OneWayLink.of(40, 0), OneWayLink.of(20, 0));
        LinkReport report = LinkMeasurement.measure(settings, 11, Duration.ofMillis(100));
        report.lines().forEach(System.out::println);
        assertThat(report.up().delayError()).as(report.lines().toString()).isCloseTo(0, within(0.05));
        assertThat(report.down().delayError()).as(report.lines().toString()).isCloseTo(0, within(0.05));
        assertThat(report.up().rateError()).isNaN();
        // Not a speed goal, a check that nothing paces it: ten times the fastest rate these tests set,
        // with room for a loaded machine (two busy loops on two cores still gave 670 Mbit/s).
        assertThat(report.up().bitsPerSecond()).isGreaterThan(200e6);
    }

    @Test
    void theArrivalLineIsTheRateAndALateFirstReadBarelyMovesIt() {
        LinkMeasurement.ArrivalLine onTime = new LinkMeasurement.ArrivalLine();
        LinkMeasurement.ArrivalLine lateStart = new LinkMeasurement.ArrivalLine();
        // 2500 bytes every millisecond for 300 ms: 2.5 MB/s, 20 Mbit/s.
        for (int i = 1; i <= 300; i++) {
            onTime.add(i * 1_000_000L, 2500L * i);
            lateStart.add(i == 1 ? 8_000_000L : i * 1_000_000L, 2500L * i);
        }
        assertThat(onTime.bytesPerSecond()).isCloseTo(2.5e6, within(1.0));
        assertThat(lateStart.bytesPerSecond()).isCloseTo(2.5e6, within(0.005 * 2.5e6));
    }

    @Test
    void theMedianIgnoresAStrayProbe() {
        assertThat(LinkMeasurement.median(new double[] {40.1, 40.2, 90.0})).isEqualTo(40.2);
        assertThat(LinkMeasurement.median(new double[] {1, 2, 3, 4})).isEqualTo(2.5);
    }
}
