package org.farnode.app.cli;

import org.farnode.backend.Backend;
import picocli.CommandLine.Option;

/** The options that choose how this machine computes, shared by every command that runs a model. */
final class BackendOptions {

    @Option(names = "--threads", description = "CPU threads (default: all cores).")
    Integer threads;

    Backend open() {
        return Backend.cpu(threads);
    }
}
