package org.farnode.backend.vulkan;

import static org.lwjgl.util.shaderc.Shaderc.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * GLSL compute shaders to SPIR-V, at run time through shaderc, with a disk cache keyed by the
 * SHA-256 of the source. Run-time compilation keeps the build free of a shader compiler on the
 * PATH and lets a shader be specialised by {@code #define}s; the cache makes the second start as
 * fast as precompiled SPIR-V.
 *
 * <p>Shaders live in {@code /shaders/NAME.comp} on the class path; {@code /shaders/common.glsl}
 * is inserted after each one's {@code #version} line.
 */
public final class ShaderCompiler {
    /** System property naming the cache directory (default: $XDG_CACHE_HOME or ~/.cache, then far-node/spirv). */
    public static final String CACHE_PROPERTY = "far.shader.cache";
    private final Path cache;

    public ShaderCompiler() {
        this(defaultCache());
    }

    public ShaderCompiler(Path cache) {
        this.cache = cache;
    }

    private static Path defaultCache() {
        String configured = System.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("far-node").resolve("spirv");
    }

    /** SPIR-V of shader {@code name} with {@code defines} ({@code "NAME VALUE"} each) placed before the common code. */
    public byte[] compile(String name, String... defines) {
        String source = assemble(name, defines);
        Path cached = cache.resolve(name + "-" + sha256(source).substring(0, 32) + ".spv");
        try {
            if (Files.isRegularFile(cached)) {
                return Files.readAllBytes(cached);
            }
        } catch (IOException ignored) {
            // an unreadable cache entry is compiled again
        }
        byte[] spirv = compileNow(name, source);
        try {
            Files.createDirectories(cache);
            Path temporary = Files.createTempFile(cache, name, ".tmp");
            Files.write(temporary, spirv);
            Files.move(temporary, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // no cache (read-only home, full disk): compiling each start still works
        }
        return spirv;
    }

    static String assemble(String name, String... defines) {
        String shader = resource("/shaders/" + name + ".comp");
        String common = resource("/shaders/common.glsl");
        int versionEnd = shader.indexOf('\n') + 1;
        if (!shader.startsWith("#version")) {
            throw new IllegalStateException("shader " + name + " must start with its #version line");
        }
        StringBuilder source = new StringBuilder(shader.substring(0, versionEnd));
        for (String define : defines) {
            source.append("#define ").append(define).append('\n');
        }
        return source.append(common).append('\n').append(shader.substring(versionEnd)).toString();
    }

    private static byte[] compileNow(String name, String source) {
        long compiler = shaderc_compiler_initialize();
        long options = shaderc_compile_options_initialize();
        if (compiler == 0 || options == 0) {
            throw new VulkanException("shaderc could not start (its native library failed to initialise)");
        }
        try {
            shaderc_compile_options_set_target_env(options, shaderc_target_env_vulkan, shaderc_env_version_vulkan_1_2);
            shaderc_compile_options_set_optimization_level(options, shaderc_optimization_level_performance);
            long result = shaderc_compile_into_spv(compiler, source, shaderc_glsl_compute_shader, name + ".comp", "main", options);
            try {
                if (shaderc_result_get_compilation_status(result) != shaderc_compilation_status_success) {
                    throw new VulkanException("shader " + name + " does not compile: " + shaderc_result_get_error_message(result));
                }
                ByteBuffer bytes = shaderc_result_get_bytes(result);
                byte[] spirv = new byte[bytes.remaining()];
                bytes.get(spirv);
                return spirv;
            } finally {
                shaderc_result_release(result);
            }
        } finally {
            shaderc_compile_options_release(options);
            shaderc_compiler_release(compiler);
        }
    }

    private static String resource(String path) {
        try (InputStream in = ShaderCompiler.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("shader resource " + path + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
