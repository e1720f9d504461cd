package org.farnode.backend.vulkan;

import java.util.Map;

/** What a PCI vendor id in {@code VkPhysicalDeviceProperties} means, and how that vendor packs its driver version. */
public final class Vendors {
    public static final int NVIDIA = 0x10DE;

    private static final Map<Integer, String> NAMES = Map.of(
            NVIDIA, "NVIDIA",
            0x1002, "AMD",
            0x8086, "Intel",
            0x13B5, "ARM",
            0x5143, "Qualcomm",
            0x106B, "Apple",
            0x10005, "Mesa"); // VK_VENDOR_ID_MESA: Khronos-assigned id of Mesa's software drivers

    private Vendors() {
    }

    /** The vendor's name, or the id in hex (e.g. {@code 0x1af4}) when this table does not know it. */
    public static String name(int vendorId) {
        return NAMES.getOrDefault(vendorId, hex(vendorId));
    }

    public static String hex(int value) {
        return "0x" + Integer.toHexString(value);
    }

    /**
     * The driver version as the vendor writes it. NVIDIA packs four fields in 10.8.8.6 bits
     * (e.g. 535.154.5.0); everyone else uses {@code VK_MAKE_VERSION}'s major.minor.patch in 10.10.12 bits.
     */
    public static String driverVersion(int vendorId, int packed) {
        if (vendorId == NVIDIA) {
            return ((packed >>> 22) & 0x3FF) + "." + ((packed >>> 14) & 0xFF) + "." + ((packed >>> 6) & 0xFF)
                    + "." + (packed & 0x3F);
        }
        return (packed >>> 22) + "." + ((packed >>> 12) & 0x3FF) + "." + (packed & 0xFFF);
    }
}
