package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code far node}'s connection-limit options: listed with their defaults, and refused out of range before anything loads. */
class NodeCommandLimitsTest {

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FarCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void theHelpListsTheLimitsWithTheirDefaults() {
        String help = run("node", "--help")[1].replaceAll("\\s+", " ");
        assertThat(help).contains("--max-connections-per-ip=N Connections one IP address (an IPv6 /64) may hold open; more are refused (default: 256).")
                .contains("--max-new-connections-per-second=N New connections one IP address may open per second; "
                        + "a faster burst is refused (default: 64).")
                .contains("--handshake-timeout=SECONDS Seconds a new connection has to complete TLS and the gateway's Hello "
                        + "before it is closed (default: 10).");
    }

    @Test
    void aLimitOutOfRangeSaysWhatIsAllowed() {
        String[] base = {"node", "--model", "no-such-model.gguf", "--layers", "0:1"};
        assertThat(fails(base, "--max-connections-per-ip", "0")).isEqualTo("far: error: --max-connections-per-ip must be at least 1, got 0");
        assertThat(fails(base, "--max-new-connections-per-second", "-5"))
                .isEqualTo("far: error: --max-new-connections-per-second must be at least 1, got -5");
        assertThat(fails(base, "--handshake-timeout", "0")).isEqualTo("far: error: --handshake-timeout must be 1 to 3600 seconds, got 0");
        assertThat(fails(base, "--handshake-timeout", "7200")).isEqualTo("far: error: --handshake-timeout must be 1 to 3600 seconds, got 7200");
    }

    private static String fails(String[] base, String option, String value) {
        String[] args = java.util.Arrays.copyOf(base, base.length + 2);
        args[base.length] = option;
        args[base.length + 1] = value;
        String[] result = run(args);
        assertThat(result[0]).as("exit code").isEqualTo("1");
        return result[2].strip();
    }
}
