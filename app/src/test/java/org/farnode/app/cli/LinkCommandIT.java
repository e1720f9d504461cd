package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.farnode.app.testing.FarProcess;
import org.junit.jupiter.api.Test;

/** far link as a user runs it: the proxy with its ready line, the measurement, and refused arguments. */
class LinkCommandIT {
    /** A direction's row: name, then the delay error and the rate error in percent. */
    private static final Pattern ROW = Pattern.compile(
            "^(up|down)\\s+[\\d.]+ ms\\s+[\\d.]+ ms\\s+([+-][\\d.]+)%\\s+[\\d.]+ Mbit/s\\s+[\\d.]+ Mbit/s\\s+([+-][\\d.]+)%$");

    @Test
    void measureReportsDelayWithinFivePercentAndRateWithinTenPercent() throws Exception {
        FarProcess.Outcome run = FarProcess.run("link", "--measure", "--delay-ms", "40", "--up-mbit", "20",
                "--down-mbit", "10", "--probes", "11", "--bulk-ms", "300");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> rows = run.stdout().lines().filter(l -> l.startsWith("up ") || l.startsWith("down ")).toList();
        assertThat(rows).as(run.stdout()).hasSize(2);
        for (String row : rows) {
            Matcher m = ROW.matcher(row);
            assertThat(m.matches()).as(row).isTrue();
            assertThat(Math.abs(Double.parseDouble(m.group(2)))).as("delay error, " + row).isLessThanOrEqualTo(5.0);
            assertThat(Math.abs(Double.parseDouble(m.group(3)))).as("rate error, " + row).isLessThanOrEqualTo(10.0);
        }
    }

    @Test
    void theProxyPrintsItsAddressForwardsAndStopsWhenStandardInputCloses() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket target = new ServerSocket(0, 5, loopback)) {
            ProcessBuilder builder = new ProcessBuilder(FarProcess.launcher().toString(), "link", "--listen", "0",
                    "--to", "127.0.0.1:" + target.getLocalPort(), "--delay-ms", "5", "--up-mbit", "50");
            builder.environment().putAll(Map.of("FAR_NO_BUILD", "1"));
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process process = builder.start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                String ready = out.readLine();
                assertThat(ready).startsWith("link ready 127.0.0.1:").contains("-> 127.0.0.1:" + target.getLocalPort());
                int port = Integer.parseInt(ready.split("[: ]")[3]);
                byte[] bytes = new byte[300_000];
                new Random(6).nextBytes(bytes);
                try (Socket client = new Socket(loopback, port); Socket server = target.accept()) {
                    client.getOutputStream().write(bytes);
                    client.shutdownOutput();
                    assertThat(server.getInputStream().readAllBytes()).isEqualTo(bytes);
                    server.getOutputStream().write("done".getBytes(StandardCharsets.US_ASCII));
                    server.shutdownOutput();
                    assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("done");
                }
                process.getOutputStream().close();
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("far link stops when its stdin closes").isTrue();
                assertThat(process.exitValue()).isZero();
            } finally {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void theProxyNeedsAnAddressToForwardTo() throws Exception {
        FarProcess.expectOneLineError(new String[] {"link", "--listen", "0"}, "--listen PORT and --to HOST:PORT are needed");
        FarProcess.expectOneLineError(new String[] {"link", "--listen", "0", "--to", "nowhere"}, "--to must be HOST:PORT");
        FarProcess.expectOneLineError(new String[] {"link", "--measure", "--to", "127.0.0.1:1"}, "leave out --listen and --to");
        FarProcess.expectOneLineError(new String[] {"link", "--measure", "--delay-ms", "-3"}, "must be 0 or more");
    }
}
