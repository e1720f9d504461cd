package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The per-address bookkeeping on a clock the test moves: open connections, the bucket of new ones, and how often refusals are told. */
class PerAddressLimitsTest {
    private static final long MILLI = 1_000_000L;
    private long now = 5_000 * MILLI;

    private PerAddressLimits limits(int open, int perSecond) {
        return new PerAddressLimits(new ConnectionLimits(open, perSecond, Duration.ofSeconds(10)), () -> now);
    }

    private static InetAddress address(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void anAddressHoldsAtMostItsOpenConnectionsAndMayOpenOneMoreWhenOneCloses() throws Exception {
        PerAddressLimits limits = limits(3, 100);
        InetAddress flooder = address("10.0.0.5");
        for (int i = 0; i < 3; i++) {
            assertThat(limits.admit(flooder)).isEmpty();
        }
        Optional<PerAddressLimits.Refusal> refusal = limits.admit(flooder);
        assertThat(refusal).get().extracting(PerAddressLimits.Refusal::reason)
                .isEqualTo("refused a connection from 10.0.0.5: 3 connections already open from it (the limit per address)");
        assertThat(limits.admit(address("10.0.0.6"))).as("another address").isEmpty();
        limits.closed(flooder);
        assertThat(limits.open(flooder)).isEqualTo(2);
        assertThat(limits.admit(flooder)).isEmpty();
        assertThat(limits.refused()).isEqualTo(1);
    }

    @Test
    void newConnectionsComeFromABucketRefilledAtTheRate() throws Exception {
        PerAddressLimits limits = limits(100, 5);
        InetAddress burst = address("192.0.2.1");
        for (int i = 0; i < 5; i++) {
            assertThat(limits.admit(burst)).as("connection %d of the burst", i).isEmpty();
        }
        assertThat(limits.admit(burst)).get().extracting(PerAddressLimits.Refusal::reason)
                .isEqualTo("refused a connection from 192.0.2.1: more than 5 new connections per second from it");
        now += 200 * MILLI; // a fifth of a second: one more
        assertThat(limits.admit(burst)).isEmpty();
        assertThat(limits.admit(burst)).isPresent();
        now += 10_000 * MILLI; // the bucket holds the rate at most
        for (int i = 0; i < 5; i++) {
            assertThat(limits.admit(burst)).isEmpty();
        }
        assertThat(limits.admit(burst)).isPresent();
        assertThat(limits.refused()).isEqualTo(3);
    }

    @Test
    void refusalsAreToldAtMostOnceASecondPerAddressWithTheCountInBetween() throws Exception {
        PerAddressLimits limits = limits(1, 100);
        InetAddress flooder = address("10.0.0.5");
        limits.admit(flooder);
        assertThat(limits.admit(flooder).orElseThrow().tell()).isTrue();
        for (int i = 0; i < 40; i++) {
            now += 10 * MILLI;
            assertThat(limits.admit(flooder).orElseThrow().tell()).isFalse();
        }
        assertThat(limits.admit(address("10.0.0.9"))).as("another address is not held back").isEmpty();
        now += 700 * MILLI;
        PerAddressLimits.Refusal told = limits.admit(flooder).orElseThrow();
        assertThat(told.tell()).isTrue();
        assertThat(told.reason()).endsWith("(40 more refused in the second before)");
        assertThat(limits.refused()).isEqualTo(42);
    }

    @Test
    void ipv6AddressesCountByTheirSlash64() throws Exception {
        PerAddressLimits limits = limits(2, 100);
        assertThat(limits.admit(address("2001:db8:1:2::1"))).isEmpty();
        assertThat(limits.admit(address("2001:db8:1:2:ffff::7"))).isEmpty();
        assertThat(limits.admit(address("2001:db8:1:2:abcd::9"))).get().extracting(PerAddressLimits.Refusal::reason)
                .asString().startsWith("refused a connection from 2001:db8:1:2:0:0:0:0/64: 2 connections already open");
        assertThat(limits.admit(address("2001:db8:1:3::1"))).as("the next /64").isEmpty();
    }
}
