package org.farnode.backend.vulkan;

import static org.farnode.backend.vulkan.VkCheck.check;
import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkCommandBuffer;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties;

/**
 * GPU timestamps written between the ops of a recorded command buffer, to see where a forward
 * pass spends its time: {@link #mark} after an op (and the barrier that follows it) writes a
 * timestamp named for the op, and {@link #microsecondsByName()} adds up, per name, the time since
 * the mark before. A diagnostic: the writes themselves cost a little.
 */
public final class OpTimestamps implements AutoCloseable {
    private final VulkanDevice device;
    private final long pool;
    private final int capacity;
    private final double nanosecondsPerTick;
    private final List<String> names = new ArrayList<>();

    public OpTimestamps(VulkanDevice device, int capacity) {
        this.device = device;
        this.capacity = capacity;
        try (MemoryStack stack = stackPush()) {
            VkPhysicalDeviceProperties properties = VkPhysicalDeviceProperties.malloc(stack);
            vkGetPhysicalDeviceProperties(device.physical(), properties);
            if (properties.limits().timestampPeriod() <= 0) {
                throw new VulkanException(device.name() + " does not report GPU timestamps (timestampPeriod 0)");
            }
            nanosecondsPerTick = properties.limits().timestampPeriod();
            LongBuffer handle = stack.mallocLong(1);
            check(vkCreateQueryPool(device.handle(), org.lwjgl.vulkan.VkQueryPoolCreateInfo.calloc(stack).sType$Default()
                    .queryType(VK_QUERY_TYPE_TIMESTAMP).queryCount(capacity), null, handle), "vkCreateQueryPool");
            pool = handle.get(0);
        }
    }

    /** Resets the pool and writes the first timestamp: record at the start of the command buffer. */
    public void begin(VkCommandBuffer commands) {
        names.clear();
        vkCmdResetQueryPool(commands, pool, 0, capacity);
        write(commands, "begin");
    }

    /** Writes a timestamp once everything recorded before has finished; the time since the last mark counts for {@code name}. */
    public void mark(VkCommandBuffer commands, String name) {
        write(commands, name);
    }

    private void write(VkCommandBuffer commands, String name) {
        if (names.size() == capacity) {
            throw new IllegalStateException("more than " + capacity + " timestamps in one recording");
        }
        vkCmdWriteTimestamp(commands, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool, names.size());
        names.add(name);
    }

    /** After the recording ran: microseconds per mark name, in the order names first appeared, and {@code total}. */
    public Map<String, Double> microsecondsByName() {
        long[] ticks = new long[names.size()];
        try (MemoryStack stack = stackPush()) {
            LongBuffer results = stack.mallocLong(names.size());
            check(vkGetQueryPoolResults(device.handle(), pool, 0, names.size(), results, 8,
                    VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT), "vkGetQueryPoolResults");
            results.get(ticks);
        }
        Map<String, Double> byName = new LinkedHashMap<>();
        for (int i = 1; i < ticks.length; i++) {
            byName.merge(names.get(i), (ticks[i] - ticks[i - 1]) * nanosecondsPerTick / 1e3, Double::sum);
        }
        byName.put("total", (ticks[ticks.length - 1] - ticks[0]) * nanosecondsPerTick / 1e3);
        return byName;
    }

    @Override
    public void close() {
        vkDestroyQueryPool(device.handle(), pool, null);
    }
}
