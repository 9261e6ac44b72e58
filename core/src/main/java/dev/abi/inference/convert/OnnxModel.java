package dev.abi.inference.convert;

import dev.abi.inference.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model ({@code onnx.proto}'s ModelProto) a converter needs: the graph's initializers (weights)
 * and its nodes, in order. Weights stay in the file's mapping until read. Files up to 2 GB, with data inline (no
 * external data files).
 */
public final class OnnxModel {

    /** ONNX {@code TensorProto.DataType} values this reader turns into floats. */
    static final int FLOAT = 1;

    static final int INT64 = 7;

    /** A weight: its shape and, depending on how the exporter stored it, raw little-endian bytes or typed values. */
    public record Tensor(String name, long[] dims, int dataType, ByteBuffer raw, float[] floatData) {

        public long elements() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        /** The values as floats. */
        public float[] floats() {
            if (dataType != FLOAT) {
                throw new ModelFormatException("ONNX tensor '" + name + "' has data type " + dataType + ", not float");
            }
            long n = elements();
            if (floatData != null && floatData.length > 0) {
                if (floatData.length != n) {
                    throw new ModelFormatException("ONNX tensor '" + name + "' has " + floatData.length
                            + " values for shape " + Arrays.toString(dims));
                }
                return floatData;
            }
            if (raw == null || raw.remaining() != n * 4) {
                throw new ModelFormatException("ONNX tensor '" + name + "' has " + (raw == null ? 0 : raw.remaining())
                        + " raw bytes for shape " + Arrays.toString(dims));
            }
            float[] out = new float[(int) n];
            raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }

    /** A graph node: operator, inputs and outputs by name, and its tensor-valued attributes (a Constant's value). */
    public record Node(
            String opType,
            String name,
            List<String> inputs,
            List<String> outputs,
            Map<String, Tensor> tensorAttributes) {}

    private final Map<String, Tensor> initializers;
    private final List<Node> nodes;
    private final List<String> graphInputs;

    private OnnxModel(Map<String, Tensor> initializers, List<Node> nodes, List<String> graphInputs) {
        this.initializers = Collections.unmodifiableMap(initializers);
        this.nodes = List.copyOf(nodes);
        this.graphInputs = List.copyOf(graphInputs);
    }

    public Map<String, Tensor> initializers() {
        return initializers;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<String> graphInputs() {
        return graphInputs;
    }

    /**
     * Reads a model file.
     *
     * @throws ModelFormatException when it is not a readable ONNX model
     */
    public static OnnxModel read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new ModelFormatException(file + ": ONNX files over 2 GB (external data) are not supported");
            }
            return parse(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()), file.toString());
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses a model held in memory; {@code what} names it in errors. */
    public static OnnxModel parse(ByteBuffer bytes, String what) {
        ProtoReader model = new ProtoReader(bytes, what);
        ProtoReader graph = null;
        while (model.hasNext()) {
            if (model.next() == 7 && model.wireType() == ProtoReader.LENGTH) {
                graph = model.message();
            } else {
                model.skip();
            }
        }
        if (graph == null) {
            throw new ModelFormatException(what + ": not an ONNX model (no graph)");
        }
        Map<String, Tensor> inits = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        while (graph.hasNext()) {
            int field = graph.next();
            if (field == 1 && graph.wireType() == ProtoReader.LENGTH) {
                nodes.add(node(graph.message()));
            } else if (field == 5 && graph.wireType() == ProtoReader.LENGTH) {
                Tensor t = tensor(graph.message(), what);
                inits.put(t.name(), t);
            } else if (field == 11 && graph.wireType() == ProtoReader.LENGTH) {
                ProtoReader vi = graph.message();
                while (vi.hasNext()) {
                    if (vi.next() == 1 && vi.wireType() == ProtoReader.LENGTH) {
                        inputs.add(vi.string());
                    } else {
                        vi.skip();
                    }
                }
            } else {
                graph.skip();
            }
        }
        return new OnnxModel(inits, nodes, inputs);
    }

    private static Node node(ProtoReader r) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        Map<String, Tensor> attrs = new LinkedHashMap<>();
        while (r.hasNext()) {
            int field = r.next();
            if (r.wireType() != ProtoReader.LENGTH) {
                r.skip();
                continue;
            }
            switch (field) {
                case 1 -> in.add(r.string());
                case 2 -> out.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                case 5 -> attribute(r.message(), attrs);
                default -> r.skip();
            }
        }
        return new Node(op, name, in, out, attrs);
    }

    private static void attribute(ProtoReader r, Map<String, Tensor> into) {
        String name = "";
        Tensor t = null;
        while (r.hasNext()) {
            int field = r.next();
            if (field == 1 && r.wireType() == ProtoReader.LENGTH) {
                name = r.string();
            } else if (field == 5 && r.wireType() == ProtoReader.LENGTH) {
                t = tensor(r.message(), "attribute");
            } else {
                r.skip();
            }
        }
        if (t != null) {
            into.put(name, t);
        }
    }

    /** The value of the Constant node whose output is {@code output}, or null. */
    public Tensor constant(String output) {
        for (Node n : nodes) {
            if (n.opType().equals("Constant") && n.outputs().contains(output)) {
                return n.tensorAttributes().get("value");
            }
        }
        return initializers.get(output);
    }

    /** The node named {@code name}, or null. */
    public Node node(String name) {
        for (Node n : nodes) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        return null;
    }

    private static Tensor tensor(ProtoReader r, String what) {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        ByteBuffer raw = null;
        float[] floats = null;
        while (r.hasNext()) {
            int field = r.next();
            int wire = r.wireType();
            switch (field) {
                case 1 -> {
                    if (wire == ProtoReader.LENGTH) {
                        ProtoReader packed = r.message();
                        while (packed.hasNext()) {
                            dims.add(packed.varint());
                        }
                    } else {
                        dims.add(r.varint());
                    }
                }
                case 2 -> type = (int) r.varint();
                case 4 -> {
                    if (wire == ProtoReader.LENGTH) {
                        ByteBuffer b = r.bytes();
                        floats = new float[b.remaining() / 4];
                        b.asFloatBuffer().get(floats);
                    } else {
                        r.skip(); // unpacked repeated floats: not written by current exporters
                    }
                }
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 14 -> {
                    if (r.varint() == 1) {
                        throw new ModelFormatException(what + ": tensor '" + name + "' keeps its data in an external "
                                + "file, which this reader does not support");
                    }
                }
                default -> r.skip();
            }
        }
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i);
            if (d[i] < 0 || d[i] > Integer.MAX_VALUE) {
                throw new ModelFormatException(what + ": tensor '" + name + "' has dimension " + d[i]);
            }
        }
        return new Tensor(name, d, type, raw, floats);
    }
}
