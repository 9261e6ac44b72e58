package dev.abi.inference;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF version 3 files: metadata (strings, 32-bit integers and floats, booleans, and arrays of strings,
 * floats and integers) and tensors, each aligned to 32 bytes.
 */
public final class GgufWriter {

    private static final int ALIGNMENT = 32;

    private record Tensor(String name, long[] dims, GgmlType type, byte[] data) {}

    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    /** Adds a metadata value: String, Integer (uint32), Long (uint64), Float, Boolean, String[], float[] or int[]. */
    public GgufWriter put(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor; {@code dims[0]} is the row length, {@code data} its little-endian bytes. */
    public GgufWriter tensor(String name, long[] dims, GgmlType type, byte[] data) {
        long elements = 1;
        for (long d : dims) {
            elements *= d;
        }
        if (type.bytesFor(elements) != data.length) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "': " + data.length + " bytes for " + elements + " " + type + " elements");
        }
        tensors.add(new Tensor(name, dims.clone(), type, data));
        return this;
    }

    /** An F32 tensor from floats. */
    public GgufWriter tensor(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return tensor(name, dims, GgmlType.F32, b.array());
    }

    public void write(Path path) throws IOException {
        Buffer header = new Buffer();
        header.i32(0x46554747).i32(3).i64(tensors.size()).i64(metadata.size());
        metadata.forEach((k, v) -> {
            header.str(k);
            value(header, k, v);
        });
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Tensor t : tensors) {
            header.str(t.name).i32(t.dims.length);
            for (long d : t.dims) {
                header.i64(d);
            }
            header.i32(t.type.id()).i64(offset);
            offsets.add(offset);
            offset = align(offset + t.data.length);
        }
        try (OutputStream out = Files.newOutputStream(path)) {
            byte[] h = header.bytes();
            out.write(h);
            out.write(new byte[(int) (align(h.length) - h.length)]);
            long written = 0;
            for (int i = 0; i < tensors.size(); i++) {
                out.write(new byte[(int) (offsets.get(i) - written)]);
                out.write(tensors.get(i).data);
                written = offsets.get(i) + tensors.get(i).data.length;
            }
        }
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static void value(Buffer b, String key, Object v) {
        switch (v) {
            case String s -> b.i32(8).str(s);
            case Integer i -> b.i32(4).i32(i);
            case Long l -> b.i32(10).i64(l);
            case Float f -> b.i32(6).f32(f);
            case Boolean z -> b.i32(7).u8(z ? 1 : 0);
            case String[] arr -> {
                b.i32(9).i32(8).i64(arr.length);
                for (String s : arr) {
                    b.str(s);
                }
            }
            case float[] arr -> {
                b.i32(9).i32(6).i64(arr.length);
                for (float f : arr) {
                    b.f32(f);
                }
            }
            case int[] arr -> {
                b.i32(9).i32(5).i64(arr.length);
                for (int i : arr) {
                    b.i32(i);
                }
            }
            default -> throw new IllegalArgumentException("metadata '" + key + "': unsupported value " + v.getClass());
        }
    }

    /** A growable little-endian byte buffer. */
    private static final class Buffer {
        private ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void room(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n))
                        .order(ByteOrder.LITTLE_ENDIAN);
                b.flip();
                bigger.put(b);
                b = bigger;
            }
        }

        Buffer u8(int v) {
            room(1);
            b.put((byte) v);
            return this;
        }

        Buffer i32(int v) {
            room(4);
            b.putInt(v);
            return this;
        }

        Buffer i64(long v) {
            room(8);
            b.putLong(v);
            return this;
        }

        Buffer f32(float v) {
            room(4);
            b.putFloat(v);
            return this;
        }

        Buffer str(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            i64(bytes.length);
            room(bytes.length);
            b.put(bytes);
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(b.array(), b.position());
        }
    }
}
