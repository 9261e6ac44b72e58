package dev.abi.gpu.emulated;

import dev.abi.gpu.cuda.CudaApi;
import dev.abi.gpu.kernels.Kernels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link CudaApi} for tests without a GPU: device memory is heap byte buffers, and a launch runs a plain-Java
 * rendering of the kernel over the grid it was given. It checks what a real driver would reject or silently get
 * wrong: every launch's arguments against the parameter list of that entry in the real PTX (count, pointer / 32-bit
 * integer / float), copies outside a buffer, freed buffers, too little dynamic shared memory for the search and
 * attention kernels, and grids that do not cover the work. It proves the host side (sizes, argument order, grids,
 * result assembly), not the CUDA code: that is what the GPU check is for.
 */
public final class EmulatedCudaApi implements CudaApi {

    private static final Pattern ENTRY = Pattern.compile("\\.visible \\.entry (\\w+)\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param \\.(\\w+) ");

    private final Map<Long, ByteBuffer> buffers = new HashMap<>();
    private final Map<Long, Map<String, List<String>>> modules = new HashMap<>();
    private final Map<Long, List<String>> signatures = new HashMap<>();
    private final List<String> launches = new ArrayList<>();
    private long next = 1;
    private final long memory;
    private long used;

    public EmulatedCudaApi() {
        this(1L << 32);
    }

    /** With {@code memory} bytes of "device" memory, to provoke out-of-memory paths. */
    public EmulatedCudaApi(long memory) {
        this.memory = memory;
    }

    /** The names of the kernels launched so far, in order. */
    public List<String> launches() {
        return launches;
    }

    public int liveBuffers() {
        return buffers.size();
    }

    @Override
    public Device init(int ordinal) {
        return device();
    }

    @Override
    public Device device() {
        return new Device(0, "Emulated (heap)", 9, 0, memory, 1, 0);
    }

    @Override
    public long freeMemory() {
        return memory - used;
    }

    @Override
    public Buffer alloc(long bytes) {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("allocation of " + bytes);
        }
        if (used + bytes > memory) {
            throw new dev.abi.gpu.cuda.CudaException("cuMemAlloc(" + bytes + ")", 2, "CUDA_ERROR_OUT_OF_MEMORY");
        }
        used += bytes;
        long h = next++;
        buffers.put(h, ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN));
        return new Buffer(h, bytes);
    }

    @Override
    public void free(Buffer buffer) {
        if (buffers.remove(buffer.handle()) == null) {
            throw new IllegalArgumentException("double free of buffer " + buffer.handle());
        }
        used -= buffer.bytes();
    }

    ByteBuffer mem(Buffer b) {
        ByteBuffer m = buffers.get(b.handle());
        if (m == null) {
            throw new IllegalArgumentException("buffer " + b.handle() + " is freed");
        }
        return m;
    }

    private ByteBuffer range(Buffer b, long at, long bytes) {
        ByteBuffer m = mem(b);
        if (at < 0 || at + bytes > m.capacity()) {
            throw new IllegalArgumentException("copy of " + bytes + " bytes at " + at + " outside " + m.capacity());
        }
        return m.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) at);
    }

    @Override
    public void copyIn(Buffer dst, long dstByte, float[] src, int srcOffset, int count) {
        range(dst, dstByte, 4L * count).asFloatBuffer().put(src, srcOffset, count);
    }

    @Override
    public void copyIn(Buffer dst, long dstByte, short[] src, int srcOffset, int count) {
        range(dst, dstByte, 2L * count).asShortBuffer().put(src, srcOffset, count);
    }

    @Override
    public void copyIn(Buffer dst, long dstByte, byte[] src, int srcOffset, int count) {
        range(dst, dstByte, count).put(src, srcOffset, count);
    }

    @Override
    public void copyIn(Buffer dst, long dstByte, int[] src, int srcOffset, int count) {
        range(dst, dstByte, 4L * count).asIntBuffer().put(src, srcOffset, count);
    }

    @Override
    public void copyOut(Buffer src, long srcByte, float[] dst, int dstOffset, int count) {
        range(src, srcByte, 4L * count).asFloatBuffer().get(dst, dstOffset, count);
    }

    @Override
    public void copyOut(Buffer src, long srcByte, int[] dst, int dstOffset, int count) {
        range(src, srcByte, 4L * count).asIntBuffer().get(dst, dstOffset, count);
    }

    @Override
    public Module loadModule(String ptx) {
        Map<String, List<String>> entries = new HashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<String> types = new ArrayList<>();
            Matcher p = PARAM.matcher(m.group(2));
            while (p.find()) {
                types.add(p.group(1));
            }
            entries.put(m.group(1), types);
        }
        long h = next++;
        modules.put(h, entries);
        return new Module(h);
    }

    @Override
    public Kernel kernel(Module module, String name) {
        List<String> sig = modules.get(module.handle()).get(name);
        if (sig == null) {
            throw new dev.abi.gpu.cuda.CudaException("cuModuleGetFunction(" + name + ")", 500, "CUDA_ERROR_NOT_FOUND");
        }
        long h = next++;
        signatures.put(h, sig);
        return new Kernel(h, name);
    }

    @Override
    public void launch(Kernel kernel, int gridX, int gridY, int blockX, int sharedBytes, Object... args) {
        List<String> sig = signatures.get(kernel.handle());
        if (sig.size() != args.length) {
            throw new IllegalArgumentException(
                    kernel.name() + " takes " + sig.size() + " parameters, launched with " + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            String t = sig.get(i);
            Object a = args[i];
            boolean ok = switch (t) {
                case "u64" -> a == null || a instanceof Buffer;
                case "u32", "s32" -> a instanceof Integer;
                case "f32" -> a instanceof Float;
                default -> false;
            };
            if (!ok) {
                throw new IllegalArgumentException(kernel.name() + " parameter " + i + " is ." + t + ", given "
                        + (a == null ? "null" : a.getClass().getSimpleName()));
            }
            if (a instanceof Buffer b) {
                mem(b);
            }
        }
        if (gridX < 1 || gridY < 1 || blockX < 1 || blockX > 1024 || sharedBytes < 0) {
            throw new IllegalArgumentException(kernel.name() + ": grid " + gridX + "x" + gridY + ", block " + blockX);
        }
        launches.add(kernel.name());
        EmulatedKernels.run(this, kernel.name(), gridX, gridY, blockX, sharedBytes, args);
    }

    @Override
    public void synchronize() {}

    @Override
    public Event record() {
        return new Event(next++);
    }

    @Override
    public float elapsedMillis(Event start, Event end) {
        return 0f;
    }

    @Override
    public void destroy(Event event) {}

    @Override
    public void close() {
        buffers.clear();
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    static int chunk() {
        return Kernels.CHUNK;
    }
}
