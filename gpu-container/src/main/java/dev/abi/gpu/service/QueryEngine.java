package dev.abi.gpu.service;

import dev.abi.gpu.cuda.GpuRuntime;
import dev.abi.gpu.search.GpuSearcher;
import dev.abi.gpu.search.ResidentMatrix;
import dev.abi.namespace.NamespaceService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers one micro-batch of query requests on the GPU: per namespace, all vectors of all its requests go into one
 * search with the largest topK, and each request gets back its own slice, cut to its own topK.
 */
final class QueryEngine {

    private final GpuRuntime runtime;
    private final ResidentNamespaces resident;
    private final GpuSearcher searcher;

    QueryEngine(GpuRuntime runtime, NamespaceService namespaces, ResidentMatrix.Precision precision) {
        this.runtime = runtime;
        this.resident = new ResidentNamespaces(namespaces, runtime::kernel, precision);
        this.searcher = new GpuSearcher(runtime::kernel);
    }

    List<GpuService.QueryAnswer> answer(List<GpuService.QueryJob> jobs) {
        return runtime.call(api -> {
            Map<String, List<Integer>> byNamespace = new LinkedHashMap<>();
            for (int i = 0; i < jobs.size(); i++) {
                byNamespace
                        .computeIfAbsent(jobs.get(i).namespace(), n -> new ArrayList<>())
                        .add(i);
            }
            GpuService.QueryAnswer[] answers = new GpuService.QueryAnswer[jobs.size()];
            for (Map.Entry<String, List<Integer>> group : byNamespace.entrySet()) {
                ResidentNamespaces.Entry e = resident.get(api, group.getKey());
                List<float[]> vectors = new ArrayList<>();
                int k = 1;
                for (int i : group.getValue()) {
                    vectors.addAll(List.of(jobs.get(i).vectors()));
                    k = Math.max(k, jobs.get(i).topK());
                }
                GpuSearcher.Result r = e.matrix() == null
                        ? null
                        : searcher.search(
                                api, e.matrix(), vectors.toArray(float[][]::new), Math.min(k, e.ids().length));
                int at = 0;
                for (int i : group.getValue()) {
                    GpuService.QueryJob job = jobs.get(i);
                    List<List<GpuService.Hit>> results = new ArrayList<>();
                    for (int v = 0; v < job.vectors().length; v++, at++) {
                        List<GpuService.Hit> hits = new ArrayList<>();
                        if (r != null) {
                            for (int j = 0; j < Math.min(job.topK(), r.rows()[at].length); j++) {
                                hits.add(new GpuService.Hit(e.ids()[r.rows()[at][j]], r.distances()[at][j]));
                            }
                        }
                        results.add(hits);
                    }
                    answers[i] = new GpuService.QueryAnswer(results, e.version());
                }
            }
            return List.of(answers);
        });
    }
}
