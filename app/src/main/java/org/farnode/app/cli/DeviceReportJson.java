package org.farnode.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.farnode.backend.vulkan.DeviceInfo;
import org.farnode.backend.vulkan.DeviceReport;
import org.farnode.backend.vulkan.Vendors;

import java.util.OptionalLong;

/**
 * {@code far devices --json}: the same facts as the text, for scripts. Field names are spelled out
 * here rather than derived from the records, so renaming a Java method never changes the document.
 */
final class DeviceReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DeviceReportJson() {
    }

    static String write(DeviceReport report) throws Exception {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("vulkanAvailable", report.vulkanAvailable());
        report.unusableReason().ifPresent(reason -> root.put("reason", reason).put("fallback", "cpu"));
        ArrayNode devices = root.putArray("devices");
        report.devices().forEach(device -> devices.add(device(device)));
        report.autoChoice().ifPresent(choice -> {
            ObjectNode auto = root.putObject("autoChoice").put("index", choice.index()).put("name", choice.name())
                    .put("software", choice.software());
            if (choice.software()) {
                auto.put("note", DeviceReportText.SOFTWARE_NOTE);
            }
        });
        return MAPPER.writeValueAsString(root);
    }

    private static ObjectNode device(DeviceInfo device) {
        ObjectNode node = MAPPER.createObjectNode()
                .put("index", device.index())
                .put("name", device.name())
                .put("vendor", device.vendor())
                .put("vendorId", Vendors.hex(device.vendorId()))
                .put("type", device.type().name())
                .put("software", device.software())
                .put("apiVersion", device.apiVersion().toString());
        node.putObject("driver")
                .put("name", device.driver().name())
                .put("info", device.driver().info())
                .put("version", device.driver().version())
                .put("packedVersion", Integer.toUnsignedLong(device.driver().packedVersion()));
        node.put("deviceLocalBytes", device.deviceLocalBytes());
        ArrayNode heaps = node.putArray("memoryHeaps");
        for (DeviceInfo.MemoryHeap heap : device.memoryHeaps()) {
            ObjectNode heapNode = heaps.addObject().put("index", heap.index()).put("sizeBytes", heap.sizeBytes())
                    .put("deviceLocal", heap.deviceLocal());
            putOptional(heapNode, "budgetBytes", heap.budgetBytes());
            putOptional(heapNode, "usageBytes", heap.usageBytes());
        }
        DeviceInfo.ComputeLimits compute = device.compute();
        ObjectNode computeNode = node.putObject("compute");
        computeNode.putArray("maxWorkgroupSize").add(compute.maxWorkgroupSizeX()).add(compute.maxWorkgroupSizeY())
                .add(compute.maxWorkgroupSizeZ());
        computeNode.put("maxWorkgroupInvocations", compute.maxWorkgroupInvocations())
                .put("subgroupSize", compute.subgroupSize())
                .put("subgroupArithmetic", compute.subgroupArithmetic());
        DeviceInfo.ShaderFeatures features = device.features();
        node.putObject("features")
                .put("storageBuffer16BitAccess", features.storageBuffer16BitAccess())
                .put("storageBuffer8BitAccess", features.storageBuffer8BitAccess())
                .put("shaderFloat16", features.shaderFloat16())
                .put("shaderInt8", features.shaderInt8())
                .put("cooperativeMatrix", features.cooperativeMatrix());
        return node;
    }

    /** A budget the driver does not report is {@code null}, not 0: 0 would read as "no memory free". */
    private static void putOptional(ObjectNode node, String name, OptionalLong value) {
        if (value.isPresent()) {
            node.put(name, value.getAsLong());
        } else {
            node.putNull(name);
        }
    }
}
