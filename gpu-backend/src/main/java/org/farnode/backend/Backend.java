package org.farnode.backend;

import org.farnode.backend.ops.CpuOps;
import org.farnode.backend.ops.Ops;

/**
 * The compute backend this process uses, chosen once, with a description that says what it is
 * and why. Today that is always the CPU; the Vulkan backend joins here, and when it cannot be
 * used the description will say why instead of falling back silently.
 */
public final class Backend implements AutoCloseable {
    private final CpuOps ops;
    private final String description;

    private Backend(CpuOps ops, String description) {
        this.ops = ops;
        this.description = description;
    }

    /** The CPU backend with {@code threads} workers ({@code null}: one per available core). */
    public static Backend cpu(Integer threads) {
        int count = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (count < 1 || count > 1024) {
            throw new IllegalArgumentException("--threads must be between 1 and 1024, got " + count);
        }
        CpuOps ops = new CpuOps(count);
        String vectors = ops.usesVectors()
                ? "Java Vector API"
                : "scalar kernels, slower: " + CpuOps.scalarReason().orElse("vectors turned off");
        return new Backend(ops, "CPU, " + count + " thread" + (count == 1 ? "" : "s") + ", " + vectors);
    }

    public Ops ops() {
        return ops;
    }

    public int threads() {
        return ops.threads();
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        ops.close();
    }
}
