package org.farnode.backend.vulkan;

import static org.farnode.backend.vulkan.VkCheck.check;
import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
import static org.lwjgl.vulkan.EXTDebugUtils.VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
import static org.lwjgl.vulkan.EXTDebugUtils.vkCreateDebugUtilsMessengerEXT;
import static org.lwjgl.vulkan.EXTDebugUtils.vkDestroyDebugUtilsMessengerEXT;
import static org.lwjgl.vulkan.VK10.VK_FALSE;
import static org.lwjgl.vulkan.VK10.vkCreateInstance;
import static org.lwjgl.vulkan.VK10.vkDestroyInstance;
import static org.lwjgl.vulkan.VK10.vkEnumerateInstanceExtensionProperties;
import static org.lwjgl.vulkan.VK10.vkEnumerateInstanceLayerProperties;
import static org.lwjgl.vulkan.VK10.vkEnumeratePhysicalDevices;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.Configuration;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VK;
import org.lwjgl.vulkan.VK12;
import org.lwjgl.vulkan.VkApplicationInfo;
import org.lwjgl.vulkan.VkDebugUtilsMessengerCallbackDataEXT;
import org.lwjgl.vulkan.VkDebugUtilsMessengerCallbackEXT;
import org.lwjgl.vulkan.VkDebugUtilsMessengerCreateInfoEXT;
import org.lwjgl.vulkan.VkExtensionProperties;
import org.lwjgl.vulkan.VkInstance;
import org.lwjgl.vulkan.VkInstanceCreateInfo;
import org.lwjgl.vulkan.VkLayerProperties;
import org.lwjgl.vulkan.VkPhysicalDevice;

/**
 * The Vulkan loader, opened once: a {@code VkInstance} at API 1.2, optionally with the Khronos
 * validation layer, whose warnings and errors are collected in {@link #validationMessages()}.
 *
 * <p>{@link #open} fails with a {@link VulkanException} that says why Vulkan cannot be used (no
 * loader library, no driver), so callers can tell the user and fall back to the CPU.
 */
public final class VulkanInstance implements AutoCloseable {
    /** The validation layer's name, as the Vulkan SDK and Debian's vulkan-validationlayers install it. */
    public static final String VALIDATION_LAYER = "VK_LAYER_KHRONOS_validation";
    /** System property that, set to {@code true}, turns the validation layer on (tests do). */
    public static final String VALIDATION_PROPERTY = "far.vulkan.validation";

    private final VkInstance instance;
    private final long messenger;
    private final VkDebugUtilsMessengerCallbackEXT callback;
    private final List<String> validationMessages;

    private VulkanInstance(VkInstance instance, long messenger, VkDebugUtilsMessengerCallbackEXT callback,
                           List<String> validationMessages) {
        this.instance = instance;
        this.messenger = messenger;
        this.callback = callback;
        this.validationMessages = validationMessages;
    }

    /** Opens the loader, with validation when {@code far.vulkan.validation=true}. */
    public static VulkanInstance open() {
        return open(Boolean.getBoolean(VALIDATION_PROPERTY));
    }

    /**
     * Opens the loader and creates an instance.
     *
     * @param validation enable the Khronos validation layer (fails when it is not installed)
     * @throws VulkanException saying why Vulkan cannot be used on this machine
     */
    public static VulkanInstance open(boolean validation) {
        loadLoader();
        try (MemoryStack stack = stackPush()) {
            if (validation && !layerAvailable(stack, VALIDATION_LAYER)) {
                throw new VulkanException("the Vulkan validation layer " + VALIDATION_LAYER
                        + " is not installed (apt-get install vulkan-validationlayers)");
            }
            VkApplicationInfo app = VkApplicationInfo.calloc(stack).sType$Default()
                    .pApplicationName(stack.UTF8("FAR Node")).pEngineName(stack.UTF8("FAR Node"))
                    .apiVersion(VK12.VK_API_VERSION_1_2);
            PointerBuffer layers = null;
            PointerBuffer extensions = null;
            if (validation) {
                layers = stack.mallocPointer(1).put(stack.UTF8(VALIDATION_LAYER)).flip();
                extensions = stack.mallocPointer(1).put(stack.UTF8(VK_EXT_DEBUG_UTILS_EXTENSION_NAME)).flip();
            }
            VkInstanceCreateInfo info = VkInstanceCreateInfo.calloc(stack).sType$Default().pApplicationInfo(app)
                    .ppEnabledLayerNames(layers).ppEnabledExtensionNames(extensions);
            PointerBuffer handle = stack.mallocPointer(1);
            int result = vkCreateInstance(info, null, handle);
            if (result == org.lwjgl.vulkan.VK10.VK_ERROR_INCOMPATIBLE_DRIVER) {
                throw new VulkanException("the Vulkan loader found no driver (VK_ERROR_INCOMPATIBLE_DRIVER); install one "
                        + "(e.g. mesa-vulkan-drivers, or the GPU vendor's) or check VK_ICD_FILENAMES");
            }
            check(result, "vkCreateInstance");
            VkInstance instance = new VkInstance(handle.get(0), info);
            if (!validation) {
                return new VulkanInstance(instance, 0, null, Collections.synchronizedList(new ArrayList<>()));
            }
            return withMessenger(instance, stack);
        }
    }

    /**
     * Loads libvulkan once per process. LWJGL loads it as soon as class {@code VK} is first used and
     * refuses a second {@code VK.create()}, so explicit loading is switched on first, and a later
     * open finds the library already loaded.
     */
    private static synchronized void loadLoader() {
        Configuration.VULKAN_EXPLICIT_INIT.set(true);
        if (loaderLoaded()) {
            return;
        }
        try {
            VK.create();
        } catch (Throwable e) {
            throw new VulkanException("no Vulkan loader: the library libvulkan.so.1 could not be loaded ("
                    + e.getMessage() + "); install it, e.g. apt-get install libvulkan1 and a driver", e);
        }
    }

    private static boolean loaderLoaded() {
        try {
            return VK.getFunctionProvider() != null;
        } catch (IllegalStateException notYet) {
            return false;
        }
    }

    private static VulkanInstance withMessenger(VkInstance instance, MemoryStack stack) {
        List<String> sink = Collections.synchronizedList(new ArrayList<>());
        VkDebugUtilsMessengerCallbackEXT callback = VkDebugUtilsMessengerCallbackEXT.create(
                (severity, types, data, user) -> {
                    sink.add(VkDebugUtilsMessengerCallbackDataEXT.create(data).pMessageString());
                    return VK_FALSE;
                });
        VkDebugUtilsMessengerCreateInfoEXT info = VkDebugUtilsMessengerCreateInfoEXT.calloc(stack).sType$Default()
                .messageSeverity(VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT)
                .messageType(VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT
                        | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT)
                .pfnUserCallback(callback);
        java.nio.LongBuffer messenger = stack.mallocLong(1);
        int result = vkCreateDebugUtilsMessengerEXT(instance, info, null, messenger);
        if (result != org.lwjgl.vulkan.VK10.VK_SUCCESS) {
            callback.free();
            vkDestroyInstance(instance, null);
            check(result, "vkCreateDebugUtilsMessengerEXT");
        }
        return new VulkanInstance(instance, messenger.get(0), callback, sink);
    }

    private static boolean layerAvailable(MemoryStack stack, String name) {
        IntBuffer count = stack.mallocInt(1);
        check(vkEnumerateInstanceLayerProperties(count, null), "vkEnumerateInstanceLayerProperties");
        VkLayerProperties.Buffer layers = VkLayerProperties.malloc(count.get(0), stack);
        check(vkEnumerateInstanceLayerProperties(count, layers), "vkEnumerateInstanceLayerProperties");
        for (VkLayerProperties layer : layers) {
            if (layer.layerNameString().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the loader offers instance extension {@code name}. */
    static boolean instanceExtensionAvailable(MemoryStack stack, String name) {
        IntBuffer count = stack.mallocInt(1);
        check(vkEnumerateInstanceExtensionProperties((String) null, count, null), "vkEnumerateInstanceExtensionProperties");
        VkExtensionProperties.Buffer extensions = VkExtensionProperties.malloc(count.get(0), stack);
        check(vkEnumerateInstanceExtensionProperties((String) null, count, extensions), "vkEnumerateInstanceExtensionProperties");
        for (VkExtensionProperties extension : extensions) {
            if (extension.extensionNameString().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Every physical device the loader's drivers report, in the driver's order. */
    public List<VkPhysicalDevice> physicalDevices() {
        try (MemoryStack stack = stackPush()) {
            IntBuffer count = stack.mallocInt(1);
            check(vkEnumeratePhysicalDevices(instance, count, null), "vkEnumeratePhysicalDevices");
            PointerBuffer handles = stack.mallocPointer(count.get(0));
            check(vkEnumeratePhysicalDevices(instance, count, handles), "vkEnumeratePhysicalDevices");
            List<VkPhysicalDevice> devices = new ArrayList<>();
            for (int i = 0; i < count.get(0); i++) {
                devices.add(new VkPhysicalDevice(handles.get(i), instance));
            }
            return devices;
        }
    }

    public VkInstance handle() {
        return instance;
    }

    /** Warnings and errors the validation layer reported so far (empty without validation). */
    public List<String> validationMessages() {
        synchronized (validationMessages) {
            return List.copyOf(validationMessages);
        }
    }

    @Override
    public void close() {
        if (messenger != 0) {
            vkDestroyDebugUtilsMessengerEXT(instance, messenger, null);
            callback.free();
        }
        vkDestroyInstance(instance, null);
    }
}
