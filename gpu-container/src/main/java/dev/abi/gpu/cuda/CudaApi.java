package dev.abi.gpu.cuda;

/**
 * The few CUDA driver calls the service needs, behind one interface so that the binding (JCuda today, perhaps
 * {@code java.lang.foreign} later) can change without touching the kernels or the service. One instance owns one
 * context on one device; it is not thread-safe: callers serialize their use (the service runs all GPU work on one
 * thread).
 */
public interface CudaApi extends AutoCloseable {

    /** The device a context was created on. */
    record Device(
            int ordinal,
            String name,
            int major,
            int minor,
            long totalBytes,
            int multiprocessors,
            long memoryBandwidth) {

        /** {@code "9.0"} for an H100. */
        public String computeCapability() {
            return major + "." + minor;
        }

        /** Peak memory bandwidth in bytes per second from the memory clock and bus width; 0 when unknown. */
        @Override
        public long memoryBandwidth() {
            return memoryBandwidth;
        }
    }

    /** Device memory from {@link #alloc}; {@code handle} is meaningful only to the implementation that made it. */
    record Buffer(long handle, long bytes) {}

    /** A loaded module (a PTX text JIT-compiled for the device). */
    record Module(long handle) {}

    /** A kernel entry point of a loaded module. */
    record Kernel(long handle, String name) {}

    /** A recorded timing event. */
    record Event(long handle) {}

    /**
     * Initializes the driver and makes a context current on device {@code ordinal}.
     *
     * @throws GpuUnavailableException when the driver library cannot be loaded or reports no usable device
     */
    Device init(int ordinal);

    /** The device of {@link #init}. */
    Device device();

    /** Free device memory now, in bytes. */
    long freeMemory();

    /** Allocates {@code bytes} of device memory. @throws CudaException when the driver refuses (out of memory...) */
    Buffer alloc(long bytes);

    void free(Buffer buffer);

    /** Copies {@code count} floats of {@code src} from {@code srcOffset} to {@code dst} at byte {@code dstByte}. */
    void copyIn(Buffer dst, long dstByte, float[] src, int srcOffset, int count);

    void copyIn(Buffer dst, long dstByte, short[] src, int srcOffset, int count);

    void copyIn(Buffer dst, long dstByte, byte[] src, int srcOffset, int count);

    void copyIn(Buffer dst, long dstByte, int[] src, int srcOffset, int count);

    /** Copies {@code count} floats from {@code src} at byte {@code srcByte} into {@code dst} from {@code dstOffset}. */
    void copyOut(Buffer src, long srcByte, float[] dst, int dstOffset, int count);

    void copyOut(Buffer src, long srcByte, int[] dst, int dstOffset, int count);

    /** JIT-compiles and loads a PTX module. @throws CudaException with the JIT log when it fails */
    Module loadModule(String ptx);

    /** @throws CudaException when the module has no entry of that name */
    Kernel kernel(Module module, String name);

    /**
     * Launches a kernel. Each argument is a {@link Buffer} (its device address), {@code null} (a null pointer), an
     * {@link Integer} or a {@link Float}, in the kernel's parameter order.
     */
    void launch(Kernel kernel, int gridX, int gridY, int blockX, int sharedBytes, Object... args);

    /** Waits for all launched work; launch failures surface here as {@link CudaException}. */
    void synchronize();

    /** Records an event on the default stream. */
    Event record();

    /** Milliseconds between two recorded events (waits for the second). */
    float elapsedMillis(Event start, Event end);

    void destroy(Event event);

    /** Destroys the context; buffers and modules of it become invalid. */
    @Override
    void close();
}
