package org.farnode.backend.vulkan;

import static org.farnode.backend.vulkan.VkCheck.check;
import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkCommandBuffer;
import org.lwjgl.vulkan.VkComputePipelineCreateInfo;
import org.lwjgl.vulkan.VkDescriptorBufferInfo;
import org.lwjgl.vulkan.VkDescriptorPoolCreateInfo;
import org.lwjgl.vulkan.VkDescriptorPoolSize;
import org.lwjgl.vulkan.VkDescriptorSetAllocateInfo;
import org.lwjgl.vulkan.VkDescriptorSetLayoutBinding;
import org.lwjgl.vulkan.VkDescriptorSetLayoutCreateInfo;
import org.lwjgl.vulkan.VkPipelineLayoutCreateInfo;
import org.lwjgl.vulkan.VkPushConstantRange;
import org.lwjgl.vulkan.VkShaderModuleCreateInfo;
import org.lwjgl.vulkan.VkWriteDescriptorSet;

/**
 * One compute shader ready to dispatch: its module, a layout of {@code bufferCount} storage
 * buffers (bindings 0..n-1 of set 0) and {@code pushConstantBytes} of push constants, and a
 * descriptor pool from which {@link #bind} takes sets.
 */
public final class ComputePipeline implements AutoCloseable {
    /** Descriptor sets one pipeline can hand out at once (a GPU shard takes one per layer and session for attention). */
    public static final int MAX_SETS = 1024;
    private final VulkanDevice device;
    private final String name;
    private final int bufferCount;
    private final int pushConstantBytes;
    private final long module;
    private final long setLayout;
    private final long layout;
    private final long pipeline;
    private final long pool;

    public ComputePipeline(VulkanDevice device, String name, byte[] spirv, int bufferCount, int pushConstantBytes) {
        this.device = device;
        this.name = name;
        this.bufferCount = bufferCount;
        this.pushConstantBytes = pushConstantBytes;
        var vk = device.handle();
        try (MemoryStack stack = stackPush()) {
            // on the heap, not the stack: LWJGL's stack is 64 KiB and a shader's SPIR-V can be larger
            ByteBuffer code = org.lwjgl.system.MemoryUtil.memAlloc(spirv.length).put(spirv).flip();
            LongBuffer handle = stack.mallocLong(1);
            try {
                check(vkCreateShaderModule(vk, VkShaderModuleCreateInfo.calloc(stack).sType$Default().pCode(code), null, handle),
                        "vkCreateShaderModule(" + name + ")");
            } finally {
                org.lwjgl.system.MemoryUtil.memFree(code);
            }
            module = handle.get(0);
            VkDescriptorSetLayoutBinding.Buffer bindings = VkDescriptorSetLayoutBinding.calloc(bufferCount, stack);
            for (int i = 0; i < bufferCount; i++) {
                bindings.get(i).binding(i).descriptorType(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER).descriptorCount(1)
                        .stageFlags(VK_SHADER_STAGE_COMPUTE_BIT);
            }
            check(vkCreateDescriptorSetLayout(vk, VkDescriptorSetLayoutCreateInfo.calloc(stack).sType$Default().pBindings(bindings),
                    null, handle), "vkCreateDescriptorSetLayout(" + name + ")");
            setLayout = handle.get(0);
            VkPipelineLayoutCreateInfo layoutInfo = VkPipelineLayoutCreateInfo.calloc(stack).sType$Default()
                    .pSetLayouts(stack.longs(setLayout));
            if (pushConstantBytes > 0) {
                layoutInfo.pPushConstantRanges(VkPushConstantRange.calloc(1, stack).stageFlags(VK_SHADER_STAGE_COMPUTE_BIT)
                        .offset(0).size(pushConstantBytes));
            }
            check(vkCreatePipelineLayout(vk, layoutInfo, null, handle), "vkCreatePipelineLayout(" + name + ")");
            layout = handle.get(0);
            VkComputePipelineCreateInfo.Buffer pipelineInfo = VkComputePipelineCreateInfo.calloc(1, stack).sType$Default().layout(layout);
            pipelineInfo.stage().sType$Default().stage(VK_SHADER_STAGE_COMPUTE_BIT).module(module).pName(stack.UTF8("main"));
            check(vkCreateComputePipelines(vk, VK_NULL_HANDLE, pipelineInfo, null, handle), "vkCreateComputePipelines(" + name + ")");
            pipeline = handle.get(0);
            VkDescriptorPoolSize.Buffer sizes = VkDescriptorPoolSize.calloc(1, stack)
                    .type(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER).descriptorCount(MAX_SETS * bufferCount);
            check(vkCreateDescriptorPool(vk, VkDescriptorPoolCreateInfo.calloc(stack).sType$Default()
                    .flags(VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT).maxSets(MAX_SETS).pPoolSizes(sizes), null, handle),
                    "vkCreateDescriptorPool(" + name + ")");
            pool = handle.get(0);
        }
    }

    /** A descriptor set that binds {@code buffers} (whole) to bindings 0..n-1; free it with {@link #release}. */
    public long bind(GpuBuffer... buffers) {
        if (buffers.length != bufferCount) {
            throw new IllegalArgumentException(name + " takes " + bufferCount + " buffers, got " + buffers.length);
        }
        var vk = device.handle();
        try (MemoryStack stack = stackPush()) {
            LongBuffer set = stack.mallocLong(1);
            check(vkAllocateDescriptorSets(vk, VkDescriptorSetAllocateInfo.calloc(stack).sType$Default().descriptorPool(pool)
                    .pSetLayouts(stack.longs(setLayout)), set), "vkAllocateDescriptorSets(" + name + ")");
            VkWriteDescriptorSet.Buffer writes = VkWriteDescriptorSet.calloc(bufferCount, stack);
            for (int i = 0; i < bufferCount; i++) {
                writes.get(i).sType$Default().dstSet(set.get(0)).dstBinding(i).descriptorCount(1)
                        .descriptorType(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER)
                        .pBufferInfo(VkDescriptorBufferInfo.calloc(1, stack).buffer(buffers[i].handle()).offset(0).range(VK_WHOLE_SIZE));
            }
            vkUpdateDescriptorSets(vk, writes, null);
            return set.get(0);
        }
    }

    public void release(long set) {
        try (MemoryStack stack = stackPush()) {
            check(vkFreeDescriptorSets(device.handle(), pool, stack.longs(set)), "vkFreeDescriptorSets(" + name + ")");
        }
    }

    /** Records a dispatch of {@code groupsX × groupsY} workgroups with {@code pushConstants} (ints). */
    public void record(VkCommandBuffer commands, long set, int[] pushConstants, int groupsX, int groupsY) {
        record3(commands, set, pushConstants, groupsX, groupsY, 1);
    }

    /** Records a dispatch of {@code groupsX × groupsY × groupsZ} workgroups with {@code pushConstants} (ints). */
    public void record3(VkCommandBuffer commands, long set, int[] pushConstants, int groupsX, int groupsY, int groupsZ) {
        if (pushConstants.length * 4 != pushConstantBytes) {
            throw new IllegalArgumentException(name + " takes " + pushConstantBytes + " bytes of push constants, got "
                    + pushConstants.length * 4);
        }
        try (MemoryStack stack = stackPush()) {
            vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
            vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, stack.longs(set), null);
            if (pushConstantBytes > 0) {
                vkCmdPushConstants(commands, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, stack.ints(pushConstants));
            }
            vkCmdDispatch(commands, groupsX, groupsY, groupsZ);
        }
    }

    @Override
    public void close() {
        var vk = device.handle();
        vkDestroyDescriptorPool(vk, pool, null);
        vkDestroyPipeline(vk, pipeline, null);
        vkDestroyPipelineLayout(vk, layout, null);
        vkDestroyDescriptorSetLayout(vk, setLayout, null);
        vkDestroyShaderModule(vk, module, null);
    }
}
