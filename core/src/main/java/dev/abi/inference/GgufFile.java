package dev.abi.inference;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A GGUF file (versions 2 and 3): metadata, tensor infos, and memory-mapped tensor data.
 *
 * <p>The header is parsed from a read-only mapping; every count, length and offset is checked against the bytes
 * that remain before anything is allocated, so a hostile or truncated file fails with a
 * {@link ModelFormatException} naming the problem, never with an out-of-memory error. Tensor data is mapped per
 * tensor on demand and never copied onto the heap.
 */
public final class GgufFile implements AutoCloseable {

    private static final int MAGIC = 0x46554747; // "GGUF" little-endian
    private static final int MAX_DIMS = 4;

    private final Path path;
    private final FileChannel channel;
    private final long fileSize;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final long dataStart;

    private GgufFile(
            Path path,
            FileChannel channel,
            long fileSize,
            int version,
            Map<String, Object> metadata,
            Map<String, GgufTensorInfo> tensors,
            long dataStart) {
        this.path = path;
        this.channel = channel;
        this.fileSize = fileSize;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataStart = dataStart;
    }

    /**
     * Opens and validates a GGUF file.
     *
     * @throws ModelFormatException naming the file and the problem
     */
    public static GgufFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new ModelFormatException(path + ": cannot open (" + e.getMessage() + ")", e);
        }
        try {
            return parse(path, channel);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static GgufFile parse(Path path, FileChannel channel) {
        long size;
        MappedByteBuffer header;
        try {
            size = channel.size();
            header = channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE));
        } catch (IOException e) {
            throw new ModelFormatException(path + ": cannot map (" + e.getMessage() + ")", e);
        }
        header.order(ByteOrder.LITTLE_ENDIAN);
        Reader r = new Reader(path, header);
        try {
            if (size < 24 || header.getInt() != MAGIC) {
                throw r.bad("not a GGUF file (bad magic)");
            }
            int version = header.getInt();
            if (version != 2 && version != 3) {
                throw r.bad("GGUF version " + version + " is not supported (2 and 3 are)");
            }
            long tensorCount = header.getLong();
            long kvCount = header.getLong();
            // each key/value takes at least 13 bytes and each tensor info at least 24: bound the counts by the file
            if (tensorCount < 0 || tensorCount > header.remaining() / 24) {
                throw r.bad("tensor count " + Long.toUnsignedString(tensorCount) + " cannot fit in the file");
            }
            if (kvCount < 0 || kvCount > header.remaining() / 13) {
                throw r.bad("metadata count " + Long.toUnsignedString(kvCount) + " cannot fit in the file");
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = r.string("metadata key " + i);
                int type = header.getInt();
                metadata.put(key, r.value(type, key, 0));
            }
            long alignment = 32;
            Object a = metadata.get("general.alignment");
            if (a != null) {
                if (!(a instanceof Long al) || al <= 0 || (al & (al - 1)) != 0 || al > 1 << 20) {
                    throw r.bad("general.alignment " + a + " is not a power of two");
                }
                alignment = al;
            }
            Map<String, long[]> shapes = new LinkedHashMap<>();
            Map<String, GgmlType> types = new LinkedHashMap<>();
            Map<String, Long> offsets = new LinkedHashMap<>();
            for (long i = 0; i < tensorCount; i++) {
                String name = r.string("tensor name " + i);
                int nDims = header.getInt();
                if (nDims < 1 || nDims > MAX_DIMS) {
                    throw r.bad("tensor '" + name + "' has " + nDims + " dimensions (1 to 4 allowed)");
                }
                long[] dims = new long[nDims];
                long elements = 1;
                for (int d = 0; d < nDims; d++) {
                    dims[d] = header.getLong();
                    if (dims[d] <= 0 || dims[d] > Integer.MAX_VALUE || elements > Long.MAX_VALUE / dims[d]) {
                        throw r.bad("tensor '" + name + "' has dimension " + Long.toUnsignedString(dims[d]));
                    }
                    elements *= dims[d];
                }
                int typeId = header.getInt();
                GgmlType type = GgmlType.byId(Integer.toUnsignedLong(typeId));
                if (type == null) {
                    throw r.bad("tensor '" + name + "' has unknown type id " + Integer.toUnsignedString(typeId));
                }
                if (dims[0] % type.blockSize() != 0) {
                    throw r.bad("tensor '" + name + "' rows of " + dims[0] + " do not fill " + type + " blocks of "
                            + type.blockSize());
                }
                long offset = header.getLong();
                if (shapes.put(name, dims) != null) {
                    throw r.bad("tensor '" + name + "' appears twice");
                }
                types.put(name, type);
                offsets.put(name, offset);
            }
            long dataStart = align(header.position(), alignment);
            Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                String name = e.getKey();
                GgmlType type = types.get(name);
                long offset = offsets.get(name);
                long elements = 1;
                for (long d : e.getValue()) {
                    elements *= d;
                }
                long bytes = type.bytesFor(elements);
                if (offset < 0
                        || offset % alignment != 0
                        || bytes < 0
                        || dataStart + offset > size
                        || bytes > size - dataStart - offset) {
                    throw r.bad("tensor '" + name + "' (" + bytes + " bytes at data offset "
                            + Long.toUnsignedString(offset) + ") lies outside the file of " + size + " bytes");
                }
                tensors.put(name, new GgufTensorInfo(name, e.getValue(), type, dataStart + offset, bytes));
            }
            return new GgufFile(
                    path,
                    channel,
                    size,
                    version,
                    Collections.unmodifiableMap(metadata),
                    Collections.unmodifiableMap(tensors),
                    dataStart);
        } catch (BufferUnderflowException e) {
            throw r.bad("truncated at byte " + header.position());
        }
    }

    private static long align(long position, long alignment) {
        return (position + alignment - 1) / alignment * alignment;
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public long fileSize() {
        return fileSize;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public Map<String, GgufTensorInfo> tensors() {
        return tensors;
    }

    /**
     * The tensor's bytes, mapped read-only and little-endian (not copied).
     *
     * @throws ModelFormatException when the tensor is missing, or larger than one mapping window (2 GB)
     */
    public MappedByteBuffer map(String tensor) {
        GgufTensorInfo info = tensor(tensor);
        if (info.byteSize() > Integer.MAX_VALUE) {
            throw new ModelFormatException(path + ": tensor '" + tensor + "' is " + info.byteSize()
                    + " bytes, more than one 2 GB mapping window");
        }
        try {
            MappedByteBuffer b = channel.map(FileChannel.MapMode.READ_ONLY, info.fileOffset(), info.byteSize());
            b.order(ByteOrder.LITTLE_ENDIAN);
            return b;
        } catch (IOException e) {
            throw new ModelFormatException(path + ": cannot map tensor '" + tensor + "'", e);
        }
    }

    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo info = tensors.get(name);
        if (info == null) {
            throw new ModelFormatException(path + ": tensor '" + name + "' is missing");
        }
        return info;
    }

    // ---- typed metadata access ----

    public String string(String key) {
        return as(key, String.class);
    }

    public long integer(String key) {
        Object v = required(key);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Integer i) {
            return i;
        }
        throw new ModelFormatException(path + ": metadata '" + key + "' is " + typeName(v) + ", not an integer");
    }

    public long integer(String key, long dflt) {
        return metadata.containsKey(key) ? integer(key) : dflt;
    }

    public float real(String key) {
        Object v = required(key);
        if (v instanceof Float f) {
            return f;
        }
        if (v instanceof Double d) {
            return d.floatValue();
        }
        throw new ModelFormatException(path + ": metadata '" + key + "' is " + typeName(v) + ", not a float");
    }

    public float real(String key, float dflt) {
        return metadata.containsKey(key) ? real(key) : dflt;
    }

    public String[] strings(String key) {
        return as(key, String[].class);
    }

    public float[] floats(String key) {
        return as(key, float[].class);
    }

    public int[] ints(String key) {
        return as(key, int[].class);
    }

    private Object required(String key) {
        Object v = metadata.get(key);
        if (v == null) {
            throw new ModelFormatException(path + ": metadata '" + key + "' is missing");
        }
        return v;
    }

    private <T> T as(String key, Class<T> type) {
        Object v = required(key);
        if (!type.isInstance(v)) {
            throw new ModelFormatException(
                    path + ": metadata '" + key + "' is " + typeName(v) + ", not " + type.getSimpleName());
        }
        return type.cast(v);
    }

    private static String typeName(Object v) {
        return v.getClass().getSimpleName();
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Bounds-checked reads of header values. */
    private static final class Reader {
        private static final int MAX_NESTING = 4;
        private final Path path;
        private final MappedByteBuffer b;

        Reader(Path path, MappedByteBuffer b) {
            this.path = path;
            this.b = b;
        }

        ModelFormatException bad(String what) {
            return new ModelFormatException(path + ": " + what);
        }

        String string(String what) {
            long len = b.getLong();
            if (len < 0 || len > b.remaining()) {
                throw bad(what + ": string length " + Long.toUnsignedString(len) + " runs past the end of the file");
            }
            byte[] bytes = new byte[(int) len];
            b.get(bytes);
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                // tokenizer vocabularies may hold raw bytes; keep them as Latin-1 rather than failing
                return new String(bytes, StandardCharsets.ISO_8859_1);
            }
        }

        Object value(int type, String key, int depth) {
            return switch (type) {
                case 0 -> (long) Byte.toUnsignedInt(b.get());
                case 1 -> (long) b.get();
                case 2 -> (long) Short.toUnsignedInt(b.getShort());
                case 3 -> (long) b.getShort();
                case 4 -> Integer.toUnsignedLong(b.getInt());
                case 5 -> (long) b.getInt();
                case 6 -> b.getFloat();
                case 7 -> {
                    byte v = b.get();
                    if (v != 0 && v != 1) {
                        throw bad("metadata '" + key + "': bool byte " + v);
                    }
                    yield v == 1;
                }
                case 8 -> string("metadata '" + key + "'");
                case 9 -> array(key, depth);
                case 10, 11 -> b.getLong();
                case 12 -> b.getDouble();
                default -> throw bad("metadata '" + key + "' has unknown value type " + Integer.toUnsignedString(type));
            };
        }

        private Object array(String key, int depth) {
            if (depth >= MAX_NESTING) {
                throw bad("metadata '" + key + "': arrays nested deeper than " + MAX_NESTING);
            }
            int type = b.getInt();
            long count = b.getLong();
            int minSize = switch (type) {
                case 0, 1, 7 -> 1;
                case 2, 3 -> 2;
                case 4, 5, 6 -> 4;
                case 8, 10, 11, 12 -> 8;
                case 9 -> 12;
                default ->
                    throw bad(
                            "metadata '" + key + "' array has unknown element type " + Integer.toUnsignedString(type));
            };
            if (count < 0 || count > b.remaining() / minSize) {
                throw bad("metadata '" + key + "' array of " + Long.toUnsignedString(count)
                        + " elements cannot fit in the file");
            }
            int n = (int) count;
            switch (type) {
                case 8 -> {
                    String[] out = new String[n];
                    for (int i = 0; i < n; i++) {
                        out[i] = string("metadata '" + key + "'[" + i + "]");
                    }
                    return out;
                }
                case 6 -> {
                    float[] out = new float[n];
                    for (int i = 0; i < n; i++) {
                        out[i] = b.getFloat();
                    }
                    return out;
                }
                case 0, 1, 2, 3, 4, 5 -> {
                    int[] out = new int[n];
                    for (int i = 0; i < n; i++) {
                        out[i] = ((Long) value(type, key, depth + 1)).intValue();
                    }
                    return out;
                }
                default -> {
                    Object[] out = new Object[n];
                    for (int i = 0; i < n; i++) {
                        out[i] = value(type, key, depth + 1);
                    }
                    return out;
                }
            }
        }
    }
}
