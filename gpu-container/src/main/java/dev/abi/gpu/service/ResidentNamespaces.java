package dev.abi.gpu.service;

import dev.abi.gpu.cuda.CudaApi;
import dev.abi.gpu.cuda.CudaException;
import dev.abi.gpu.search.GpuKernels;
import dev.abi.gpu.search.ResidentMatrix;
import dev.abi.namespace.NamespaceInfo;
import dev.abi.namespace.NamespaceService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Namespaces whose vectors are in GPU memory, each at the version it was read at. A query first compares that
 * version with the store's; a newer version is read again in full (the GPU search is exact, so there is no index to
 * update). When the device is full, the other namespaces are dropped and the upload is tried once more. GPU thread
 * only.
 */
final class ResidentNamespaces {

    record Entry(long version, String[] ids, ResidentMatrix matrix) {}

    private final NamespaceService namespaces;
    private final GpuKernels kernels;
    private final ResidentMatrix.Precision precision;
    private final Map<String, Entry> resident = new HashMap<>();

    ResidentNamespaces(NamespaceService namespaces, GpuKernels kernels, ResidentMatrix.Precision precision) {
        this.namespaces = namespaces;
        this.kernels = kernels;
        this.precision = precision;
    }

    /** The namespace's rows on the device, read from the store when missing or older than the store's version. */
    Entry get(CudaApi api, String name) {
        NamespaceInfo info = namespaces.describe(name);
        Entry e = resident.get(name);
        if (e != null && e.version() == info.version()) {
            return e;
        }
        if (e != null) {
            e.matrix().free(api);
            resident.remove(name);
        }
        // Read ids, then values; repeat when a write landed in between, so ids and values are of one version.
        for (int attempt = 0; ; attempt++) {
            long before = namespaces.describe(name).version();
            List<String> ids = new ArrayList<>();
            namespaces.countWhere(name, (id, attrs) -> {
                ids.add(id);
                return false;
            });
            int dim = info.dimension();
            float[] values = new float[Math.max(1, ids.size()) * dim];
            for (int i = 0; i < ids.size(); i++) {
                System.arraycopy(namespaces.get(name, ids.get(i)).values(), 0, values, i * dim, dim);
            }
            long after = namespaces.describe(name).version();
            if (before != after && attempt < 3) {
                continue;
            }
            if (ids.isEmpty()) {
                Entry empty = new Entry(after, new String[0], null);
                resident.put(name, empty);
                return empty;
            }
            ResidentMatrix m;
            try {
                m = ResidentMatrix.upload(api, kernels, values, ids.size(), dim, info.metric(), precision);
            } catch (CudaException oom) {
                evictAllBut(api, name);
                m = ResidentMatrix.upload(api, kernels, values, ids.size(), dim, info.metric(), precision);
            }
            Entry fresh = new Entry(after, ids.toArray(String[]::new), m);
            resident.put(name, fresh);
            return fresh;
        }
    }

    private void evictAllBut(CudaApi api, String keep) {
        resident.entrySet().removeIf(en -> {
            if (en.getKey().equals(keep)) {
                return false;
            }
            if (en.getValue().matrix() != null) {
                en.getValue().matrix().free(api);
            }
            return true;
        });
    }

    /** Device bytes held by resident namespaces. */
    long bytes() {
        return resident.values().stream()
                .mapToLong(e -> e.matrix() == null ? 0 : e.matrix().bytes())
                .sum();
    }
}
