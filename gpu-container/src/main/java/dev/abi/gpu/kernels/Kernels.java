package dev.abi.gpu.kernels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Java side of {@code src/main/cuda/abi_kernels.cu}: entry names, launch constants and where the compiled PTX
 * lives. {@code KernelArtifactsTest} fails when a name here is missing from the checked-in PTX, or when a
 * {@code .visible .entry} of the PTX is not named here.
 */
public final class Kernels {

    /** Classpath resource of the PTX built by {@code scripts/build-kernels}. */
    public static final String PTX_RESOURCE = "/kernels/abi_kernels.ptx";
    /** Classpath resource holding the SHA-256 of the source the PTX was built from. */
    public static final String HASH_RESOURCE = "/kernels/abi_kernels.ptx.sha256";

    /** Rows one block of the search kernels scores ({@code ABI_CHUNK}). */
    public static final int CHUNK = 1024;
    /** Queries one block of the search kernels scores at once ({@code ABI_MAX_QT}). */
    public static final int MAX_QUERY_TILE = 8;
    /** Threads per block of the search and norm kernels ({@code ABI_WARPS} warps). */
    public static final int SEARCH_THREADS = 256;
    /** Output tile edge of {@link #GEMM_F32} ({@code ABI_TILE}); blocks of 256 threads. */
    public static final int GEMM_TILE = 64;

    /** Metric codes of the search kernels, as {@code ABI_METRIC_*}. */
    public static final int METRIC_COSINE = 0;

    public static final int METRIC_DOT = 1;
    public static final int METRIC_L2 = 2;

    public static final String SEARCH_F32 = "abi_search_f32";
    public static final String SEARCH_F16 = "abi_search_f16";
    public static final String SEARCH_I8 = "abi_search_i8";
    public static final String TOPK_MERGE = "abi_topk_merge";
    public static final String INV_NORMS_F32 = "abi_inv_norms_f32";
    public static final String INV_NORMS_F16 = "abi_inv_norms_f16";
    public static final String INV_NORMS_I8 = "abi_inv_norms_i8";
    public static final String GEMM_F32 = "abi_gemm_f32";
    public static final String LAYERNORM_F32 = "abi_layernorm_f32";
    public static final String RMSNORM_F32 = "abi_rmsnorm_f32";
    public static final String SOFTMAX_F32 = "abi_softmax_f32";
    public static final String GELU_F32 = "abi_gelu_f32";
    public static final String SWIGLU_F32 = "abi_swiglu_f32";
    public static final String ATTENTION_F32 = "abi_attention_f32";
    public static final String ADD_F32 = "abi_add_f32";
    public static final String MEAN_POOL_F32 = "abi_mean_pool_f32";

    /** Every entry point the Java side launches. */
    public static final List<String> ALL = List.of(
            SEARCH_F32,
            SEARCH_F16,
            SEARCH_I8,
            TOPK_MERGE,
            INV_NORMS_F32,
            INV_NORMS_F16,
            INV_NORMS_I8,
            GEMM_F32,
            LAYERNORM_F32,
            RMSNORM_F32,
            SOFTMAX_F32,
            GELU_F32,
            SWIGLU_F32,
            ATTENTION_F32,
            ADD_F32,
            MEAN_POOL_F32);

    private Kernels() {}

    /** The checked-in PTX text. */
    public static String ptx() {
        return resource(PTX_RESOURCE);
    }

    static String resource(String name) {
        try (var in = Kernels.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(
                        "classpath resource " + name + " is missing: run scripts/build-kernels");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
