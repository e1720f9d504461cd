package org.farnode.app.cli;

import org.farnode.app.link.LinkEmulator;
import org.farnode.app.link.LinkMeasurement;
import org.farnode.app.link.LinkReport;
import org.farnode.app.link.LinkSettings;
import org.farnode.app.link.OneWayLink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code far link}: a TCP proxy that emulates a WAN hop (one-way delay and rate per direction),
 * for benchmarks on one machine; or, with {@code --measure}, how closely it keeps its settings.
 */
@Command(name = "link", mixinStandardHelpOptions = true,
        description = {"Emulate a WAN hop: forward TCP connections from --listen to --to, each direction delayed and rate-limited.",
                "Runs until standard input closes or it is killed. With --measure: measure the emulator's delay and rate on loopback."})
final class LinkCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--listen", paramLabel = "PORT", description = "Port to listen on; 0 picks a free one.")
    Integer listenPort;

    @Option(names = "--to", paramLabel = "HOST:PORT", description = "Where to forward each connection.")
    String to;

    @Option(names = "--delay-ms", defaultValue = "0", description = "One-way delay of both directions, in ms (default: ${DEFAULT-VALUE}).")
    double delayMs;

    @Option(names = "--up-delay-ms", description = "One-way delay client to target, in ms (default: --delay-ms).")
    Double upDelayMs;

    @Option(names = "--down-delay-ms", description = "One-way delay target to client, in ms (default: --delay-ms).")
    Double downDelayMs;

    @Option(names = "--up-mbit", defaultValue = "0", description = "Rate client to target, in Mbit/s; 0 = unlimited (default).")
    double upMbit;

    @Option(names = "--down-mbit", defaultValue = "0", description = "Rate target to client, in Mbit/s; 0 = unlimited (default).")
    double downMbit;

    @Option(names = "--measure", description = "Start an emulator with these settings in front of an in-process target, measure it, print setting vs measured.")
    boolean measure;

    @Option(names = "--probes", defaultValue = "21", description = "With --measure: delay probes per direction (default: ${DEFAULT-VALUE}).")
    int probes;

    @Option(names = "--bulk-ms", defaultValue = "1000", description = "With --measure: how long the bulk transfer for the rate lasts at the set rate (default: ${DEFAULT-VALUE}).")
    long bulkMs;

    @Override
    public Integer call() throws Exception {
        LinkSettings settings = new LinkSettings(
                OneWayLink.of(upDelayMs != null ? upDelayMs : delayMs, upMbit),
                OneWayLink.of(downDelayMs != null ? downDelayMs : delayMs, downMbit));
        PrintWriter out = spec.commandLine().getOut();
        return measure ? measure(settings, out) : proxy(settings, out);
    }

    private int measure(LinkSettings settings, PrintWriter out) throws IOException, InterruptedException {
        if (listenPort != null || to != null) {
            throw new IllegalArgumentException("--measure runs its own emulator and target: leave out --listen and --to");
        }
        if (bulkMs < 1) {
            throw new IllegalArgumentException("--bulk-ms must be at least 1, got " + bulkMs);
        }
        LinkReport report = LinkMeasurement.measure(settings, probes, Duration.ofMillis(bulkMs));
        out.println("far link: measured on loopback (" + probes + " probes per direction, median; "
                + "rate: slope of bytes received against time in a bulk transfer)");
        report.lines().forEach(out::println);
        out.flush();
        return 0;
    }

    private int proxy(LinkSettings settings, PrintWriter out) throws IOException {
        if (listenPort == null || to == null) {
            throw new IllegalArgumentException("--listen PORT and --to HOST:PORT are needed (or --measure)");
        }
        try (LinkEmulator emulator = LinkEmulator.start(host, listenPort, target(to), settings)) {
            out.println("link ready " + host + ":" + emulator.address().getPort() + " -> " + to + " (" + settings.describe() + ")");
            out.flush();
            waitForStandardInputToClose();
        }
        return 0;
    }

    private static void waitForStandardInputToClose() {
        try {
            System.in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException stdinBroken) {
            // a broken standard input means whoever started us is gone: stop as when it closes
        }
    }

    private static InetSocketAddress target(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("--to must be HOST:PORT, got " + hostPort);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--to port must be a number, got " + hostPort);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--to port must be 1..65535, got " + port);
        }
        InetSocketAddress target = new InetSocketAddress(hostPort.substring(0, colon), port);
        if (target.isUnresolved()) {
            throw new IllegalArgumentException("--to host cannot be resolved: " + hostPort.substring(0, colon));
        }
        return target;
    }
}
