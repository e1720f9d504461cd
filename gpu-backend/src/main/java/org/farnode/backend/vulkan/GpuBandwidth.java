package org.farnode.backend.vulkan;

import java.util.Arrays;

/**
 * The device's memory read bandwidth as a compute shader sees it ({@code read_bandwidth.comp}):
 * the ceiling for decoding on the GPU, which streams every weight once per token.
 *
 * @param gigabytesPerSecond best of the timed passes, in 10^9 bytes per second
 * @param bufferBytes        bytes read per pass
 * @param passes             passes timed
 */
public record GpuBandwidth(double gigabytesPerSecond, long bufferBytes, int passes) {

    /** Reads a {@code bufferBytes} device-local buffer {@code passes} times, after half a second of untimed passes. */
    public static GpuBandwidth measure(VulkanDevice device, ShaderCompiler compiler, long bufferBytes, int passes) {
        long vectors = bufferBytes / 16;
        if (vectors < 1 || vectors > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("buffer of " + bufferBytes + " bytes: need 16 bytes to 64 GiB");
        }
        int groups = 4096;
        try (ComputePipeline read = new ComputePipeline(device, "read_bandwidth", compiler.compile("read_bandwidth"), 2, 4);
             GpuBuffer data = GpuBuffer.deviceLocal(device, vectors * 16);
             GpuBuffer sums = GpuBuffer.deviceLocal(device, 4L * groups)) {
            long set = read.bind(data, sums);
            var commands = device.recordReusable(c -> read.record(c, set, new int[] {(int) vectors}, groups, 1));
            // Half a second of reading first, so the GPU has left its idle clocks.
            long warmUntil = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < warmUntil) {
                device.submitAndWait(commands);
            }
            double[] seconds = new double[passes];
            for (int pass = 0; pass < passes; pass++) {
                long start = System.nanoTime();
                device.submitAndWait(commands);
                seconds[pass] = (System.nanoTime() - start) / 1e9;
            }
            device.free(commands);
            read.release(set);
            double best = Arrays.stream(seconds).min().orElseThrow();
            return new GpuBandwidth(vectors * 16 / best / 1e9, vectors * 16, passes);
        }
    }

    @Override
    public String toString() {
        return String.format("%.1f GB/s read by a compute shader (%d MiB, best of %d, submission overhead included)",
                gigabytesPerSecond, bufferBytes >> 20, passes);
    }
}
