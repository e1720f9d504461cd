package org.farnode.backend.vulkan;

/** A Vulkan API version as {@code VK_MAKE_API_VERSION} packs it (the variant, always 0, is dropped). */
public record VulkanVersion(int major, int minor, int patch) {

    /** Unpacks {@code VkPhysicalDeviceProperties::apiVersion}: 7 bits major, 10 minor, 12 patch. */
    public static VulkanVersion fromPacked(int packed) {
        return new VulkanVersion((packed >>> 22) & 0x7F, (packed >>> 12) & 0x3FF, packed & 0xFFF);
    }

    public boolean isAtLeast(int wantedMajor, int wantedMinor) {
        return major > wantedMajor || (major == wantedMajor && minor >= wantedMinor);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
