package org.farnode.app.cli;

import org.farnode.backend.vulkan.DeviceInfo;
import org.farnode.backend.vulkan.DeviceReport;
import org.farnode.backend.vulkan.Vendors;

import java.io.PrintWriter;
import java.util.Locale;

/** {@code far devices} as text: one block per device, best first, then the automatic choice. */
final class DeviceReportText {
    static final String SOFTWARE_NOTE = "software device: slow, for testing";
    static final String CPU_FALLBACK = "using the CPU backend instead";

    private DeviceReportText() {
    }

    static void print(DeviceReport report, PrintWriter out) {
        if (!report.vulkanAvailable()) {
            out.println("Vulkan cannot be used: " + report.unusableReason().orElseThrow());
            out.println(CPU_FALLBACK);
            return;
        }
        out.println("Vulkan devices, best first (--device takes the number in brackets):");
        for (DeviceInfo device : report.devices()) {
            out.println();
            printDevice(device, out);
        }
        out.println();
        DeviceInfo choice = report.autoChoice().orElseThrow();
        out.println("--backend auto uses [" + choice.index() + "] " + choice.name()
                + (choice.software() ? ": " + SOFTWARE_NOTE : ""));
    }

    private static void printDevice(DeviceInfo device, PrintWriter out) {
        out.println("[" + device.index() + "] " + device.name());
        field(out, "type", device.type() + (device.software() ? ", software" : ""));
        field(out, "vendor", device.vendor() + " (" + Vendors.hex(device.vendorId()) + ")");
        DeviceInfo.Driver driver = device.driver();
        field(out, "driver", (driver.name().isEmpty() ? "(name not reported)" : driver.name())
                + (driver.info().isEmpty() ? "" : ", " + driver.info()));
        field(out, "driver version", driver.version() + " (packed " + Vendors.hex(driver.packedVersion()) + ")");
        field(out, "Vulkan API", device.apiVersion().toString());
        for (DeviceInfo.MemoryHeap heap : device.memoryHeaps()) {
            field(out, "memory heap " + heap.index(), heap(heap));
        }
        if (!device.reportsMemoryBudget()) {
            field(out, "memory budget", "not reported (no VK_EXT_memory_budget)");
        }
        DeviceInfo.ComputeLimits compute = device.compute();
        field(out, "workgroup size", "up to " + compute.maxWorkgroupSizeX() + " x " + compute.maxWorkgroupSizeY() + " x "
                + compute.maxWorkgroupSizeZ() + ", " + compute.maxWorkgroupInvocations() + " invocations");
        field(out, "subgroup size", (compute.subgroupSize() == 0 ? "not reported" : String.valueOf(compute.subgroupSize()))
                + ", arithmetic in compute: " + yesNo(compute.subgroupArithmetic()));
        DeviceInfo.ShaderFeatures features = device.features();
        field(out, "16-bit storage", yesNo(features.storageBuffer16BitAccess()));
        field(out, "8-bit storage", yesNo(features.storageBuffer8BitAccess()));
        field(out, "float16 math", yesNo(features.shaderFloat16()));
        field(out, "int8 math", yesNo(features.shaderInt8()));
        field(out, "coop. matrix", yesNo(features.cooperativeMatrix()) + " (VK_KHR_cooperative_matrix)");
    }

    private static String heap(DeviceInfo.MemoryHeap heap) {
        StringBuilder text = new StringBuilder(bytes(heap.sizeBytes()));
        text.append(heap.deviceLocal() ? ", device-local" : ", host");
        heap.budgetBytes().ifPresent(budget -> text.append(", budget ").append(bytes(budget)));
        heap.usageBytes().ifPresent(usage -> text.append(", in use ").append(bytes(usage)));
        return text.toString();
    }

    private static void field(PrintWriter out, String name, String value) {
        out.printf("    %-16s %s%n", name, value);
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    /** Binary units, as drivers size heaps: 2147483648 is "2.00 GiB". */
    static String bytes(long count) {
        if (count >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", count / (double) (1L << 30));
        }
        if (count >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", count / (double) (1L << 20));
        }
        return count + " bytes";
    }
}
