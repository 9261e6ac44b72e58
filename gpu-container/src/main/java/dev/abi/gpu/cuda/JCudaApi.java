package dev.abi.gpu.cuda;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * {@link CudaApi} on JCuda's driver-API binding ({@code libJCudaDriver}, which needs only {@code libcuda.so.1}).
 * The only class of the project that imports {@code jcuda.*}. JCuda objects are kept in maps keyed by the handles
 * handed out, so callers never see a JCuda type.
 */
public final class JCudaApi implements CudaApi {

    private final Map<Long, CUdeviceptr> buffers = new HashMap<>();
    private final Map<Long, CUmodule> modules = new HashMap<>();
    private final Map<Long, CUfunction> kernels = new HashMap<>();
    private final Map<Long, CUevent> events = new HashMap<>();
    /** The first failure to load the binding: later attempts get only "could not initialize class". */
    private static volatile String loadFailure;

    private long next = 1;
    private CUcontext context;
    private Device device;

    @Override
    public Device init(int ordinal) {
        if (loadFailure != null) {
            throw new GpuUnavailableException(loadFailure, null);
        }
        try {
            JCudaDriver.setExceptionsEnabled(false);
        } catch (LinkageError e) {
            loadFailure = "the CUDA driver cannot be loaded: " + linkFailure(chain(e));
            throw new GpuUnavailableException(loadFailure, e);
        }
        int rc = JCudaDriver.cuInit(0);
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new GpuUnavailableException("cuInit: " + CUresult.stringFor(rc), null);
        }
        int[] count = new int[1];
        check("cuDeviceGetCount", JCudaDriver.cuDeviceGetCount(count));
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new GpuUnavailableException("device " + ordinal + " requested, " + count[0] + " present", null);
        }
        CUdevice dev = new CUdevice();
        check("cuDeviceGet", JCudaDriver.cuDeviceGet(dev, ordinal));
        byte[] name = new byte[256];
        check("cuDeviceGetName", JCudaDriver.cuDeviceGetName(name, name.length, dev));
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        long[] total = new long[1];
        check("cuDeviceTotalMem", JCudaDriver.cuDeviceTotalMem(total, dev));
        context = new CUcontext();
        check("cuCtxCreate", JCudaDriver.cuCtxCreate(context, 0, dev));
        device = new Device(
                ordinal,
                new String(name, 0, len, StandardCharsets.UTF_8),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                total[0],
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                bandwidth(dev));
        return device;
    }

    @Override
    public Device device() {
        if (device == null) {
            throw new IllegalStateException("init() has not succeeded");
        }
        return device;
    }

    @Override
    public long freeMemory() {
        long[] free = new long[1];
        long[] total = new long[1];
        check("cuMemGetInfo", JCudaDriver.cuMemGetInfo(free, total));
        return free[0];
    }

    @Override
    public Buffer alloc(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocation of " + bytes + " bytes");
        }
        CUdeviceptr p = new CUdeviceptr();
        check("cuMemAlloc(" + bytes + ")", JCudaDriver.cuMemAlloc(p, bytes));
        long h = next++;
        buffers.put(h, p);
        return new Buffer(h, bytes);
    }

    @Override
    public void free(Buffer buffer) {
        CUdeviceptr p = buffers.remove(buffer.handle());
        if (p != null) {
            check("cuMemFree", JCudaDriver.cuMemFree(p));
        }
    }

    @Override
    public void copyIn(Buffer dst, long dstByte, float[] src, int srcOffset, int count) {
        put(dst, dstByte, Pointer.to(src).withByteOffset(4L * srcOffset), 4L * count);
    }

    @Override
    public void copyIn(Buffer dst, long dstByte, short[] src, int srcOffset, int count) {
        put(dst, dstByte, Pointer.to(src).withByteOffset(2L * srcOffset), 2L * count);
    }

    @Override
    public void copyIn(Buffer dst, long dstByte, byte[] src, int srcOffset, int count) {
        put(dst, dstByte, Pointer.to(src).withByteOffset(srcOffset), count);
    }

    @Override
    public void copyIn(Buffer dst, long dstByte, int[] src, int srcOffset, int count) {
        put(dst, dstByte, Pointer.to(src).withByteOffset(4L * srcOffset), 4L * count);
    }

    @Override
    public void copyOut(Buffer src, long srcByte, float[] dst, int dstOffset, int count) {
        get(src, srcByte, Pointer.to(dst).withByteOffset(4L * dstOffset), 4L * count);
    }

    @Override
    public void copyOut(Buffer src, long srcByte, int[] dst, int dstOffset, int count) {
        get(src, srcByte, Pointer.to(dst).withByteOffset(4L * dstOffset), 4L * count);
    }

    private void put(Buffer dst, long dstByte, Pointer host, long bytes) {
        bounds(dst, dstByte, bytes);
        check("cuMemcpyHtoD", JCudaDriver.cuMemcpyHtoD(pointer(dst).withByteOffset(dstByte), host, bytes));
    }

    private void get(Buffer src, long srcByte, Pointer host, long bytes) {
        bounds(src, srcByte, bytes);
        check("cuMemcpyDtoH", JCudaDriver.cuMemcpyDtoH(host, pointer(src).withByteOffset(srcByte), bytes));
    }

    private static void bounds(Buffer b, long at, long bytes) {
        if (at < 0 || bytes < 0 || at + bytes > b.bytes()) {
            throw new IllegalArgumentException(
                    "copy of " + bytes + " bytes at " + at + " outside a buffer of " + b.bytes());
        }
    }

    private CUdeviceptr pointer(Buffer b) {
        CUdeviceptr p = buffers.get(b.handle());
        if (p == null) {
            throw new IllegalArgumentException("buffer " + b.handle() + " is freed or foreign");
        }
        return p;
    }

    @Override
    public Module loadModule(String ptx) {
        byte[] text = (ptx + "\0").getBytes(StandardCharsets.US_ASCII);
        CUmodule m = new CUmodule();
        check("cuModuleLoadData", JCudaDriver.cuModuleLoadData(m, text));
        long h = next++;
        modules.put(h, m);
        return new Module(h);
    }

    @Override
    public Kernel kernel(Module module, String name) {
        CUfunction f = new CUfunction();
        check(
                "cuModuleGetFunction(" + name + ")",
                JCudaDriver.cuModuleGetFunction(f, modules.get(module.handle()), name));
        long h = next++;
        kernels.put(h, f);
        return new Kernel(h, name);
    }

    @Override
    public void launch(Kernel kernel, int gridX, int gridY, int blockX, int sharedBytes, Object... args) {
        CUfunction f = kernels.get(kernel.handle());
        if (sharedBytes > 48 * 1024) {
            check(
                    "cuFuncSetAttribute",
                    JCudaDriver.cuFuncSetAttribute(
                            f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, sharedBytes));
        }
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                params[i] = Pointer.to(new CUdeviceptr());
            } else if (a instanceof Buffer b) {
                params[i] = Pointer.to(pointer(b));
            } else if (a instanceof Integer n) {
                params[i] = Pointer.to(new int[] {n});
            } else if (a instanceof Float x) {
                params[i] = Pointer.to(new float[] {x});
            } else {
                throw new IllegalArgumentException("kernel argument " + i + " of " + kernel.name() + " is a "
                        + a.getClass().getSimpleName() + " (Buffer, null, Integer or Float expected)");
            }
        }
        check(
                "cuLaunchKernel(" + kernel.name() + ")",
                JCudaDriver.cuLaunchKernel(
                        f, gridX, gridY, 1, blockX, 1, 1, sharedBytes, null, Pointer.to(params), null));
    }

    @Override
    public void synchronize() {
        check("cuCtxSynchronize", JCudaDriver.cuCtxSynchronize());
    }

    @Override
    public Event record() {
        CUevent e = new CUevent();
        check("cuEventCreate", JCudaDriver.cuEventCreate(e, 0));
        check("cuEventRecord", JCudaDriver.cuEventRecord(e, null));
        long h = next++;
        events.put(h, e);
        return new Event(h);
    }

    @Override
    public float elapsedMillis(Event start, Event end) {
        CUevent b = events.get(end.handle());
        check("cuEventSynchronize", JCudaDriver.cuEventSynchronize(b));
        float[] ms = new float[1];
        check("cuEventElapsedTime", JCudaDriver.cuEventElapsedTime(ms, events.get(start.handle()), b));
        return ms[0];
    }

    @Override
    public void destroy(Event event) {
        CUevent e = events.remove(event.handle());
        if (e != null) {
            JCudaDriver.cuEventDestroy(e);
        }
    }

    @Override
    public void close() {
        if (context != null) {
            JCudaDriver.cuCtxDestroy(context);
            context = null;
            buffers.clear();
            modules.clear();
            kernels.clear();
            events.clear();
        }
    }

    /** Double data rate: 2 transfers per memory clock (kHz) over the bus width (bits); 0 when not reported. */
    private static long bandwidth(CUdevice dev) {
        int[] clock = new int[1];
        int[] width = new int[1];
        if (JCudaDriver.cuDeviceGetAttribute(clock, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, dev) != 0
                || JCudaDriver.cuDeviceGetAttribute(
                                width, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, dev)
                        != 0) {
            return 0;
        }
        return 2L * clock[0] * 1000L * width[0] / 8;
    }

    private static int attribute(CUdevice dev, int attribute) {
        int[] v = new int[1];
        check("cuDeviceGetAttribute", JCudaDriver.cuDeviceGetAttribute(v, attribute, dev));
        return v[0];
    }

    private static void check(String call, int rc) {
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new CudaException(call, rc, CUresult.stringFor(rc));
        }
    }

    /**
     * JCuda's load error carries both load attempts' stack traces in its message; /health wants one line: the
     * dynamic linker's complaint about libcuda (file names without their temporary folder), else the first line.
     */
    static String linkFailure(String message) {
        String pick = null;
        for (String line : message.split("\\R")) {
            int at = line.indexOf("UnsatisfiedLinkError: ");
            if (at >= 0) {
                String text = line.substring(at + "UnsatisfiedLinkError: ".length());
                if (pick == null || text.contains("libcuda")) {
                    pick = text;
                }
            }
        }
        if (pick == null) {
            pick = message.lines().findFirst().orElse(message);
        }
        return pick.replaceAll("/\\S*/(lib[^/\\s]+\\.so[.0-9]*)", "$1").strip();
    }

    private static String chain(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (!sb.isEmpty()) {
                sb.append(": ");
            }
            sb.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
        return sb.toString();
    }
}
