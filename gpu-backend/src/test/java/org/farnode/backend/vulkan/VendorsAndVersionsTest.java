package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Decoding the vendor id, driver versions and API versions a driver reports. */
class VendorsAndVersionsTest {

    @Test
    void namesKnownVendorsAndWritesOthersInHex() {
        assertThat(Vendors.name(0x10DE)).isEqualTo("NVIDIA");
        assertThat(Vendors.name(0x1002)).isEqualTo("AMD");
        assertThat(Vendors.name(0x8086)).isEqualTo("Intel");
        assertThat(Vendors.name(0x13B5)).isEqualTo("ARM");
        assertThat(Vendors.name(0x5143)).isEqualTo("Qualcomm");
        assertThat(Vendors.name(0x106B)).isEqualTo("Apple");
        assertThat(Vendors.name(0x10005)).isEqualTo("Mesa");
        assertThat(Vendors.name(0x1AF4)).isEqualTo("0x1af4");
    }

    @Test
    void decodesNvidiaDriverVersionsInTheirOwnPacking() {
        int nvidia535 = (535 << 22) | (154 << 14) | (5 << 6);

        assertThat(Vendors.driverVersion(Vendors.NVIDIA, nvidia535)).isEqualTo("535.154.5.0");
    }

    @Test
    void decodesOtherDriverVersionsAsMajorMinorPatch() {
        int mesa = (23 << 22) | (2 << 12) | 1;

        assertThat(Vendors.driverVersion(0x1002, mesa)).isEqualTo("23.2.1");
        assertThat(Vendors.driverVersion(0x10005, 1)).isEqualTo("0.0.1");
    }

    @Test
    void unpacksAndComparesApiVersions() {
        VulkanVersion version = VulkanVersion.fromPacked((1 << 22) | (3 << 12) | 230);

        assertThat(version).isEqualTo(new VulkanVersion(1, 3, 230));
        assertThat(version.toString()).isEqualTo("1.3.230");
        assertThat(version.isAtLeast(1, 2)).isTrue();
        assertThat(version.isAtLeast(1, 3)).isTrue();
        assertThat(version.isAtLeast(1, 4)).isFalse();
        assertThat(new VulkanVersion(1, 1, 99).isAtLeast(1, 2)).isFalse();
        assertThat(new VulkanVersion(2, 0, 0).isAtLeast(1, 2)).isTrue();
    }

    @Test
    void recognizesSoftwareDriversByTypeOrName() {
        assertThat(SoftwareDrivers.isSoftware(DeviceType.CPU, "some CPU device", "")).isTrue();
        assertThat(SoftwareDrivers.isSoftware(DeviceType.OTHER, "SwiftShader Device (LLVM 10.0.0)", "SwiftShader driver"))
                .isTrue();
        assertThat(SoftwareDrivers.isSoftware(DeviceType.OTHER, "llvmpipe (LLVM 15.0.6, 256 bits)", "llvmpipe")).isTrue();
        assertThat(SoftwareDrivers.isSoftware(DeviceType.DISCRETE, "NVIDIA GeForce RTX 4090", "NVIDIA")).isFalse();
        assertThat(SoftwareDrivers.isSoftware(DeviceType.VIRTUAL, "Virtio-GPU Venus (NVIDIA)", "venus")).isFalse();
    }
}
