package dev.abi.gpu.cuda;

/** The GPU part of {@code /health}: {@code gpu}, and the reason or the device's name, capability and free memory. */
public record GpuStatus(boolean gpu, String reason, String device, String computeCapability, Long freeMemoryBytes) {

    public static GpuStatus of(GpuRuntime rt) {
        if (!rt.available()) {
            return new GpuStatus(false, rt.reason(), null, null, null);
        }
        CudaApi.Device d = rt.device();
        return new GpuStatus(true, null, d.name(), d.computeCapability(), rt.freeMemory());
    }

    /** The fields as a JSON object's members, without braces. */
    public String jsonMembers() {
        StringBuilder sb = new StringBuilder("\"gpu\":").append(gpu);
        if (reason != null) {
            sb.append(",\"reason\":").append(quote(reason));
        }
        if (device != null) {
            sb.append(",\"device\":")
                    .append(quote(device))
                    .append(",\"computeCapability\":")
                    .append(quote(computeCapability))
                    .append(",\"freeMemoryBytes\":")
                    .append(freeMemoryBytes);
        }
        return sb.toString();
    }

    public String toJson() {
        return "{" + jsonMembers() + "}";
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
