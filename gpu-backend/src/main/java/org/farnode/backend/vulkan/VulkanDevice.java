package org.farnode.backend.vulkan;

import static org.farnode.backend.vulkan.VkCheck.check;
import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Optional;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkCommandBuffer;
import org.lwjgl.vulkan.VkCommandBufferAllocateInfo;
import org.lwjgl.vulkan.VkCommandBufferBeginInfo;
import org.lwjgl.vulkan.VkCommandPoolCreateInfo;
import org.lwjgl.vulkan.VkDevice;
import org.lwjgl.vulkan.VkDeviceCreateInfo;
import org.lwjgl.vulkan.VkDeviceQueueCreateInfo;
import org.lwjgl.vulkan.VkFenceCreateInfo;
import org.lwjgl.vulkan.VkPhysicalDevice;
import org.lwjgl.vulkan.VkPhysicalDeviceMemoryProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties;
import org.lwjgl.vulkan.VkQueue;
import org.lwjgl.vulkan.VkQueueFamilyProperties;
import org.lwjgl.vulkan.VkSubmitInfo;

/**
 * One physical device opened for compute: the logical device, one compute queue, a command pool
 * and a fence for waiting on submissions. Kernels use only core Vulkan 1.0 features plus what
 * GLSL compiles to on its own (32-bit loads, {@code unpackHalf2x16}), so every device can run them;
 * where the device offers cooperative matrices (see {@link CooperativeMatrices}), their extension
 * and features are enabled too, for {@link GpuCoopMatmul}.
 */
public final class VulkanDevice implements AutoCloseable {
    private final VkPhysicalDevice physical;
    private final VkDevice device;
    private final VkQueue queue;
    private final int queueFamily;
    private final long commandPool;
    private final long fence;
    private final String name;
    private final VkPhysicalDeviceMemoryProperties memory;
    private final int maxWorkgroupSizeX;
    private final int maxSharedMemoryBytes;
    private final Optional<CooperativeMatrixShape> cooperativeMatrix;
    /** Poll the fence before blocking on it (a real GPU; never a CPU device, whose threads need the cores). */
    private final boolean pollFirst;
    /** System property that turns polling off ({@code false}), to compare. */
    public static final String POLL_PROPERTY = "far.vulkan.poll";
    /**
     * How long a wait polls the fence before it blocks: a decode step takes a millisecond or two, and
     * waking from a blocking wait costs tens of microseconds each time, twice per token.
     */
    private static final long POLL_NANOS = 3_000_000;

    private VulkanDevice(VkPhysicalDevice physical, VkDevice device, VkQueue queue, int queueFamily, long commandPool,
                         long fence, String name, VkPhysicalDeviceMemoryProperties memory, int maxWorkgroupSizeX,
                         int maxSharedMemoryBytes, Optional<CooperativeMatrixShape> cooperativeMatrix, boolean pollFirst) {
        this.physical = physical;
        this.device = device;
        this.queue = queue;
        this.queueFamily = queueFamily;
        this.commandPool = commandPool;
        this.fence = fence;
        this.name = name;
        this.memory = memory;
        this.maxWorkgroupSizeX = maxWorkgroupSizeX;
        this.maxSharedMemoryBytes = maxSharedMemoryBytes;
        this.cooperativeMatrix = cooperativeMatrix;
        this.pollFirst = pollFirst;
    }

    /** Opens {@code physical} with its first queue family that supports compute. */
    public static VulkanDevice open(VkPhysicalDevice physical) {
        try (MemoryStack stack = stackPush()) {
            VkPhysicalDeviceProperties properties = VkPhysicalDeviceProperties.malloc(stack);
            vkGetPhysicalDeviceProperties(physical, properties);
            String name = properties.deviceNameString();
            int family = computeQueueFamily(physical, stack, name);
            VkDeviceQueueCreateInfo.Buffer queues = VkDeviceQueueCreateInfo.calloc(1, stack).sType$Default()
                    .queueFamilyIndex(family).pQueuePriorities(stack.floats(1f));
            VkDeviceCreateInfo info = VkDeviceCreateInfo.calloc(stack).sType$Default().pQueueCreateInfos(queues);
            Optional<CooperativeMatrixShape> cooperativeMatrix = CooperativeMatrices.probe(physical);
            if (cooperativeMatrix.isPresent()) {
                CooperativeMatrices.enable(info, stack);
            }
            PointerBuffer handle = stack.mallocPointer(1);
            check(vkCreateDevice(physical, info, null, handle), "vkCreateDevice(" + name + ")");
            VkDevice device = new VkDevice(handle.get(0), physical, info);
            PointerBuffer queueHandle = stack.mallocPointer(1);
            vkGetDeviceQueue(device, family, 0, queueHandle);
            VkQueue queue = new VkQueue(queueHandle.get(0), device);
            LongBuffer pool = stack.mallocLong(1);
            check(vkCreateCommandPool(device, VkCommandPoolCreateInfo.calloc(stack).sType$Default()
                    .flags(VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT).queueFamilyIndex(family), null, pool),
                    "vkCreateCommandPool");
            LongBuffer fence = stack.mallocLong(1);
            check(vkCreateFence(device, VkFenceCreateInfo.calloc(stack).sType$Default(), null, fence), "vkCreateFence");
            VkPhysicalDeviceMemoryProperties memory = VkPhysicalDeviceMemoryProperties.malloc();
            vkGetPhysicalDeviceMemoryProperties(physical, memory);
            return new VulkanDevice(physical, device, queue, family, pool.get(0), fence.get(0), name, memory,
                    properties.limits().maxComputeWorkGroupSize(0), properties.limits().maxComputeSharedMemorySize(),
                    cooperativeMatrix, properties.deviceType() != VK_PHYSICAL_DEVICE_TYPE_CPU
                            && !"false".equalsIgnoreCase(System.getProperty(POLL_PROPERTY)));
        }
    }

    private static int computeQueueFamily(VkPhysicalDevice physical, MemoryStack stack, String name) {
        IntBuffer count = stack.mallocInt(1);
        vkGetPhysicalDeviceQueueFamilyProperties(physical, count, null);
        VkQueueFamilyProperties.Buffer families = VkQueueFamilyProperties.malloc(count.get(0), stack);
        vkGetPhysicalDeviceQueueFamilyProperties(physical, count, families);
        for (int i = 0; i < families.capacity(); i++) {
            if ((families.get(i).queueFlags() & VK_QUEUE_COMPUTE_BIT) != 0) {
                return i;
            }
        }
        throw new VulkanException(name + " has no queue family that supports compute");
    }

    /**
     * The index of a memory type allowed by {@code typeBits} that has all of {@code required}
     * properties, preferring one that also has {@code preferred}; -1 when none has {@code required}.
     */
    int memoryType(int typeBits, int required, int preferred) {
        int fallback = -1;
        for (int i = 0; i < memory.memoryTypeCount(); i++) {
            int flags = memory.memoryTypes(i).propertyFlags();
            if ((typeBits & (1 << i)) == 0 || (flags & required) != required) {
                continue;
            }
            if ((flags & preferred) == preferred) {
                return i;
            }
            if (fallback < 0) {
                fallback = i;
            }
        }
        return fallback;
    }

    /** Records commands with {@code recorder}, submits them, and waits until the device has run them. */
    public void submitAndWait(java.util.function.Consumer<VkCommandBuffer> recorder) {
        VkCommandBuffer commands = record(recorder, VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT);
        try {
            submitAndWait(commands);
        } finally {
            free(commands);
        }
    }

    /** Records {@code recorder}'s commands once into a buffer that {@link #submitAndWait(VkCommandBuffer)} can run many times. */
    public VkCommandBuffer recordReusable(java.util.function.Consumer<VkCommandBuffer> recorder) {
        return record(recorder, 0);
    }

    private VkCommandBuffer record(java.util.function.Consumer<VkCommandBuffer> recorder, int usage) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer buffers = stack.mallocPointer(1);
            check(vkAllocateCommandBuffers(device, VkCommandBufferAllocateInfo.calloc(stack).sType$Default()
                    .commandPool(commandPool).level(VK_COMMAND_BUFFER_LEVEL_PRIMARY).commandBufferCount(1), buffers),
                    "vkAllocateCommandBuffers");
            VkCommandBuffer commands = new VkCommandBuffer(buffers.get(0), device);
            try {
                check(vkBeginCommandBuffer(commands, VkCommandBufferBeginInfo.calloc(stack).sType$Default().flags(usage)),
                        "vkBeginCommandBuffer");
                recorder.accept(commands);
                check(vkEndCommandBuffer(commands), "vkEndCommandBuffer");
                return commands;
            } catch (RuntimeException e) {
                free(commands);
                throw e;
            }
        }
    }

    /** Frees a buffer from {@link #recordReusable}. */
    public void free(VkCommandBuffer commands) {
        vkFreeCommandBuffers(device, commandPool, commands);
    }

    /** Makes the writes of earlier dispatches visible to later ones: the order a forward pass needs between ops. */
    public static void computeBarrier(VkCommandBuffer commands) {
        barrier(commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
    }

    /** Makes every earlier command's writes visible to every later command (transfers and compute alike). */
    public static void fullBarrier(VkCommandBuffer commands) {
        barrier(commands, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_ACCESS_MEMORY_WRITE_BIT,
                VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT);
    }

    private static void barrier(VkCommandBuffer commands, int stages, int written, int then) {
        try (MemoryStack stack = stackPush()) {
            vkCmdPipelineBarrier(commands, stages, stages, 0,
                    org.lwjgl.vulkan.VkMemoryBarrier.calloc(1, stack).sType$Default().srcAccessMask(written).dstAccessMask(then),
                    null, null);
        }
    }

    /** Submits an already recorded command buffer and waits for it. */
    public void submitAndWait(VkCommandBuffer commands) {
        try (MemoryStack stack = stackPush()) {
            check(vkResetFences(device, fence), "vkResetFences");
            check(vkQueueSubmit(queue, VkSubmitInfo.calloc(stack).sType$Default().pCommandBuffers(stack.pointers(commands)), fence),
                    "vkQueueSubmit");
            if (pollFirst && polledDone()) {
                return;
            }
            check(vkWaitForFences(device, fence, true, Long.MAX_VALUE), "vkWaitForFences");
        }
    }

    /** Polls the fence for up to {@link #POLL_NANOS}; true once it is signalled. */
    private boolean polledDone() {
        long deadline = System.nanoTime() + POLL_NANOS;
        do {
            int status = vkGetFenceStatus(device, fence);
            if (status == VK_SUCCESS) {
                return true;
            }
            if (status != VK_NOT_READY) {
                check(status, "vkGetFenceStatus");
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        return false;
    }

    public VkDevice handle() {
        return device;
    }

    public VkPhysicalDevice physical() {
        return physical;
    }

    public String name() {
        return name;
    }

    /** Largest workgroup width (x) the device accepts for compute. */
    public int maxWorkgroupSizeX() {
        return maxWorkgroupSizeX;
    }

    /** Waits until the device has finished everything submitted. */
    public void waitIdle() {
        check(vkDeviceWaitIdle(device), "vkDeviceWaitIdle");
    }

    /**
     * The cooperative-matrix shape this device was opened for (extension and features enabled),
     * or empty where the device offers none that {@link GpuCoopMatmul} can use.
     */
    public Optional<CooperativeMatrixShape> cooperativeMatrix() {
        return cooperativeMatrix;
    }

    /** Bytes of shared memory one compute workgroup may use. */
    public int maxSharedMemoryBytes() {
        return maxSharedMemoryBytes;
    }

    @Override
    public void close() {
        vkDeviceWaitIdle(device);
        vkDestroyFence(device, fence, null);
        vkDestroyCommandPool(device, commandPool, null);
        vkDestroyDevice(device, null);
        memory.free();
    }
}
