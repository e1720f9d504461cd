package org.farnode.backend.vulkan;

import static org.farnode.backend.vulkan.VkCheck.check;
import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import java.lang.foreign.MemorySegment;
import java.nio.LongBuffer;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkBufferCopy;
import org.lwjgl.vulkan.VkBufferCreateInfo;
import org.lwjgl.vulkan.VkMemoryAllocateInfo;
import org.lwjgl.vulkan.VkMemoryRequirements;

/**
 * A storage buffer and its memory. {@link #deviceLocal} buffers live in the GPU's own memory
 * (weights, KV caches, activations) and are filled through a host-visible staging buffer;
 * {@link #hostVisible} ones are mapped and written or read directly.
 */
public final class GpuBuffer implements AutoCloseable {
    private final VulkanDevice device;
    private final long buffer;
    private final long memory;
    private final long bytes;
    private final MemorySegment mapped;

    private GpuBuffer(VulkanDevice device, long buffer, long memory, long bytes, MemorySegment mapped) {
        this.device = device;
        this.buffer = buffer;
        this.memory = memory;
        this.bytes = bytes;
        this.mapped = mapped;
    }

    /** A buffer in device-local memory (or any memory, on devices that have no separate local memory). */
    public static GpuBuffer deviceLocal(VulkanDevice device, long bytes) {
        return allocate(device, bytes, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, false);
    }

    /** A buffer the host maps, coherent, so writes and reads need no flushes. */
    public static GpuBuffer hostVisible(VulkanDevice device, long bytes) {
        return allocate(device, bytes, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                VK_MEMORY_PROPERTY_HOST_CACHED_BIT, true);
    }

    private static GpuBuffer allocate(VulkanDevice device, long bytes, int required, int preferred, boolean map) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a GPU buffer needs at least one byte, got " + bytes);
        }
        var vk = device.handle();
        try (MemoryStack stack = stackPush()) {
            LongBuffer handle = stack.mallocLong(1);
            check(vkCreateBuffer(vk, VkBufferCreateInfo.calloc(stack).sType$Default().size(bytes)
                    .usage(VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT)
                    .sharingMode(VK_SHARING_MODE_EXCLUSIVE), null, handle), "vkCreateBuffer(" + bytes + " bytes)");
            long buffer = handle.get(0);
            VkMemoryRequirements requirements = VkMemoryRequirements.malloc(stack);
            vkGetBufferMemoryRequirements(vk, buffer, requirements);
            int type = device.memoryType(requirements.memoryTypeBits(), required, preferred);
            if (type < 0) {
                vkDestroyBuffer(vk, buffer, null);
                throw new VulkanException(device.name() + " has no memory type for a " + bytes + "-byte buffer with flags " + required);
            }
            LongBuffer memory = stack.mallocLong(1);
            int result = vkAllocateMemory(vk, VkMemoryAllocateInfo.calloc(stack).sType$Default()
                    .allocationSize(requirements.size()).memoryTypeIndex(type), null, memory);
            if (result != VK_SUCCESS) {
                vkDestroyBuffer(vk, buffer, null);
                check(result, "vkAllocateMemory(" + requirements.size() + " bytes on " + device.name() + ")");
            }
            check(vkBindBufferMemory(vk, buffer, memory.get(0), 0), "vkBindBufferMemory");
            MemorySegment mapped = null;
            if (map) {
                PointerBuffer pointer = stack.mallocPointer(1);
                check(vkMapMemory(vk, memory.get(0), 0, bytes, 0, pointer), "vkMapMemory");
                mapped = MemorySegment.ofAddress(pointer.get(0)).reinterpret(bytes);
            }
            return new GpuBuffer(device, buffer, memory.get(0), bytes, mapped);
        }
    }

    /** Copies {@code data} into this buffer at {@code offset}: directly when mapped, else through a staging buffer. */
    public void upload(MemorySegment data, long offset) {
        requireRange(offset, data.byteSize());
        if (mapped != null) {
            mapped.asSlice(offset, data.byteSize()).copyFrom(data);
            return;
        }
        try (GpuBuffer staging = hostVisible(device, data.byteSize())) {
            staging.mapped.copyFrom(data);
            copy(staging, 0, this, offset, data.byteSize());
        }
    }

    /** Sets every byte to zero, on the device. */
    public void zero() {
        device.submitAndWait(commands -> vkCmdFillBuffer(commands, buffer, 0, VK_WHOLE_SIZE, 0));
    }

    /** Records a copy of {@code bytes} bytes from {@code from} to {@code to}. */
    public static void recordCopy(org.lwjgl.vulkan.VkCommandBuffer commands, GpuBuffer from, GpuBuffer to, long bytes) {
        try (MemoryStack stack = stackPush()) {
            vkCmdCopyBuffer(commands, from.buffer, to.buffer, VkBufferCopy.calloc(1, stack).srcOffset(0).dstOffset(0).size(bytes));
        }
    }

    /** Copies {@code length} bytes at {@code offset} of this buffer into {@code target}. */
    public void download(long offset, MemorySegment target) {
        requireRange(offset, target.byteSize());
        if (mapped != null) {
            target.copyFrom(mapped.asSlice(offset, target.byteSize()));
            return;
        }
        try (GpuBuffer staging = hostVisible(device, target.byteSize())) {
            copy(this, offset, staging, 0, target.byteSize());
            target.copyFrom(staging.mapped);
        }
    }

    private static void copy(GpuBuffer from, long fromOffset, GpuBuffer to, long toOffset, long bytes) {
        from.device.submitAndWait(commands -> {
            try (MemoryStack stack = stackPush()) {
                vkCmdCopyBuffer(commands, from.buffer, to.buffer,
                        VkBufferCopy.calloc(1, stack).srcOffset(fromOffset).dstOffset(toOffset).size(bytes));
            }
        });
    }

    private void requireRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > bytes) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length) + ") of a " + bytes + "-byte GPU buffer");
        }
    }

    public long handle() {
        return buffer;
    }

    public long bytes() {
        return bytes;
    }

    /** The host mapping of a {@link #hostVisible} buffer (null for device-local ones). */
    public MemorySegment mapped() {
        return mapped;
    }

    @Override
    public void close() {
        var vk = device.handle();
        if (mapped != null) {
            vkUnmapMemory(vk, memory);
        }
        vkDestroyBuffer(vk, buffer, null);
        vkFreeMemory(vk, memory, null);
    }
}
