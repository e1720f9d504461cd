package org.farnode.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.farnode.backend.Backend;
import picocli.CommandLine.Option;

/** The options that choose how this machine computes, shared by every command that runs a model. */
final class BackendOptions {

    @Option(names = "--backend", defaultValue = "auto",
            description = "auto (a GPU through Vulkan when there is one, else the CPU), vulkan, or cpu (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--device", description = "Vulkan device number, as far devices lists them (default: the best one).")
    Integer device;

    @Option(names = "--vram-cap-mb", description = "Most MiB of weights to place on the GPU (default: 90%% of its memory).")
    Long vramCapMb;

    @Option(names = "--threads", description = "CPU threads (default: all cores).")
    Integer threads;

    /** Opens the chosen backend; says on {@code err} why the GPU is not used when auto falls back to the CPU. */
    Backend open(PrintWriter err) {
        if (vramCapMb != null && vramCapMb < 1) {
            throw new IllegalArgumentException("--vram-cap-mb must be at least 1, got " + vramCapMb);
        }
        return Backend.open(Backend.Choice.parse(backend), threads, device, vramCapMb == null ? null : vramCapMb << 20, notice -> {
            err.println("far: " + notice);
            err.flush();
        });
    }

    /** The CPU alone, for work that never runs layers (a gateway's embedding and LM head). */
    Backend openCpu() {
        return Backend.cpu(threads);
    }

    /** These options as arguments for another far process (a swarm's nodes). */
    List<String> asArguments() {
        List<String> arguments = new ArrayList<>(List.of("--backend", backend));
        if (device != null) {
            arguments.addAll(List.of("--device", device.toString()));
        }
        if (vramCapMb != null) {
            arguments.addAll(List.of("--vram-cap-mb", vramCapMb.toString()));
        }
        if (threads != null) {
            arguments.addAll(List.of("--threads", threads.toString()));
        }
        return arguments;
    }
}
