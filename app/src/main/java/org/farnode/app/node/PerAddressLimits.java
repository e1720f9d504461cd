package org.farnode.app.node;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The bookkeeping behind {@link ConnectionLimits}: per remote address, the connections it holds
 * open and a bucket of new ones it may still open. One for a listener, called on its network
 * threads (hence synchronized; each call is a map lookup and a few additions).
 *
 * <p>A refusal is told to the operator at most once a second per address, with the number
 * refused since: a flood of thousands of connections a second must not become thousands of log
 * lines a second.
 */
final class PerAddressLimits {
    private static final long SECOND = 1_000_000_000L;
    /** Addresses kept before idle ones (nothing open, bucket full) are dropped; doubles with the busy ones. */
    private static final int FIRST_SWEEP_AT = 1024;
    private final ConnectionLimits limits;
    private final LongSupplier nanoTime;
    private final Map<String, Address> addresses = new HashMap<>();
    private int sweepAt = FIRST_SWEEP_AT;
    private long refused;

    /** A connection not admitted: why, in a sentence naming the address, and whether to tell the operator now. */
    record Refusal(String reason, boolean tell) {
    }

    PerAddressLimits(ConnectionLimits limits, LongSupplier nanoTime) {
        this.limits = limits;
        this.nanoTime = nanoTime;
    }

    /** Admits a new connection from {@code address}, counting it open until {@link #closed}, or says why not. */
    synchronized Optional<Refusal> admit(InetAddress address) {
        long now = nanoTime.getAsLong();
        String key = key(address);
        Address state = addresses.computeIfAbsent(key, k -> new Address(limits.maxNewPerSecond(), now));
        state.refill(now, limits.maxNewPerSecond());
        String reason;
        if (state.open >= limits.maxPerAddress()) {
            reason = state.open + " connections already open from it (the limit per address)";
        } else if (state.tokens < 1) {
            reason = "more than " + limits.maxNewPerSecond() + " new connections per second from it";
        } else {
            state.tokens--;
            state.open++;
            sweepIfLarge(now);
            return Optional.empty();
        }
        refused++;
        state.unreported++;
        if (now - state.lastToldNanos < SECOND) {
            return Optional.of(new Refusal(reason, false));
        }
        String also = state.unreported > 1 ? " (" + (state.unreported - 1) + " more refused in the second before)" : "";
        state.unreported = 0;
        state.lastToldNanos = now;
        return Optional.of(new Refusal("refused a connection from " + key + ": " + reason + also, true));
    }

    /** A connection {@link #admit} let in from {@code address} has closed. */
    synchronized void closed(InetAddress address) {
        Address state = addresses.get(key(address));
        if (state != null && state.open > 0) {
            state.open--;
        }
    }

    /** Connections refused since the listener started. */
    synchronized long refused() {
        return refused;
    }

    /** Connections open from {@code address} (or its /64). */
    synchronized int open(InetAddress address) {
        Address state = addresses.get(key(address));
        return state == null ? 0 : state.open;
    }

    /** The address as limits count it: an IPv4 address, or the /64 network of an IPv6 one. */
    static String key(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] network = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(network, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/64";
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are an IPv6 address", e);
            }
        }
        return address.getHostAddress();
    }

    private void sweepIfLarge(long now) {
        if (addresses.size() < sweepAt) {
            return;
        }
        addresses.values().removeIf(state -> {
            state.refill(now, limits.maxNewPerSecond());
            return state.open == 0 && state.tokens >= limits.maxNewPerSecond() && now - state.lastToldNanos >= SECOND;
        });
        sweepAt = Math.max(FIRST_SWEEP_AT, 2 * addresses.size());
    }

    /** One address: its open connections and its bucket of new ones. */
    private static final class Address {
        int open;
        double tokens;
        long refilledNanos;
        int unreported;
        long lastToldNanos;

        Address(int tokens, long now) {
            this.tokens = tokens;
            this.refilledNanos = now;
            this.lastToldNanos = now - SECOND; // the first refusal is told at once
        }

        void refill(long now, int perSecond) {
            tokens = Math.min(perSecond, tokens + (now - refilledNanos) * (double) perSecond / SECOND);
            refilledNanos = now;
        }
    }
}
