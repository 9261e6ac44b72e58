package dev.abi.gpu.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.abi.gpu.cuda.GpuRuntime;
import dev.abi.gpu.emulated.EmulatedCudaApi;
import dev.abi.gpu.search.ResidentMatrix;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.namespace.QueryResult;
import dev.abi.namespace.VectorRecord;
import dev.abi.store.InMemoryObjectStore;
import dev.abi.vector.Filter;
import dev.abi.vector.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A micro-batch of requests over two namespaces, answered on the emulated GPU, against core's own CPU query of the
 * same store: same ids in the same order, same distances; a write moves the next answer to the new version.
 */
class QueryEngineTest {

    private final EmulatedCudaApi api = new EmulatedCudaApi();
    private final GpuRuntime rt = GpuRuntime.open(() -> api, 0);
    private final NamespaceService namespaces = new NamespaceService(new NamespaceStore(new InMemoryObjectStore()));
    private final Random rnd = new Random(99);

    @AfterEach
    void close() {
        rt.close();
    }

    @Test
    void aMixedBatchAnswersAsTheCpuPathDoes() {
        fill("docs", 16, Metric.COSINE, 1300);
        fill("small", 8, Metric.L2, 40);
        QueryEngine engine = new QueryEngine(rt, namespaces, ResidentMatrix.Precision.F32);
        List<GpuService.QueryJob> jobs = List.of(
                new GpuService.QueryJob("docs", new float[][] {vector(16), vector(16)}, 5),
                new GpuService.QueryJob("small", new float[][] {vector(8)}, 3),
                new GpuService.QueryJob("docs", new float[][] {vector(16)}, 12));
        List<GpuService.QueryAnswer> answers = engine.answer(jobs);
        assertEquals(3, answers.size());
        for (int j = 0; j < jobs.size(); j++) {
            GpuService.QueryJob job = jobs.get(j);
            assertEquals(
                    namespaces.describe(job.namespace()).version(),
                    answers.get(j).version());
            for (int v = 0; v < job.vectors().length; v++) {
                assertSameAsCpu(
                        job.namespace(),
                        job.vectors()[v],
                        job.topK(),
                        answers.get(j).results().get(v));
            }
        }
        // one search per namespace for the whole batch
        assertEquals(
                2,
                api.launches().stream().filter(n -> n.startsWith("abi_search_")).count());
    }

    @Test
    void aWriteIsSeenByTheNextQuery() {
        fill("docs", 16, Metric.DOT, 300);
        QueryEngine engine = new QueryEngine(rt, namespaces, ResidentMatrix.Precision.F32);
        float[] q = vector(16);
        GpuService.QueryAnswer before = engine.answer(List.of(new GpuService.QueryJob("docs", new float[][] {q}, 3)))
                .get(0);
        float[] strong = q.clone();
        for (int i = 0; i < strong.length; i++) {
            strong[i] *= 100;
        }
        namespaces.upsert("docs", List.of(new VectorRecord("new", strong, Map.of())));
        GpuService.QueryAnswer after = engine.answer(List.of(new GpuService.QueryJob("docs", new float[][] {q}, 3)))
                .get(0);
        assertTrue(after.version() > before.version(), before.version() + " then " + after.version());
        assertEquals("new", after.results().get(0).get(0).id());
        assertSameAsCpu("docs", q, 3, after.results().get(0));
    }

    private void assertSameAsCpu(String ns, float[] q, int topK, List<GpuService.Hit> got) {
        QueryResult cpu = namespaces.query(ns, new NamespaceService.Query(q, topK, Filter.ALL, null));
        assertEquals(cpu.matches().size(), got.size(), ns);
        for (int i = 0; i < got.size(); i++) {
            assertEquals(cpu.matches().get(i).vector().id(), got.get(i).id(), ns + " rank " + i);
            assertEquals(
                    cpu.matches().get(i).distance(),
                    got.get(i).distance(),
                    1e-5f * Math.max(1f, Math.abs(got.get(i).distance())),
                    ns + " rank " + i);
        }
    }

    private void fill(String ns, int dim, Metric metric, int count) {
        namespaces.create(ns, dim, metric);
        List<VectorRecord> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(new VectorRecord(ns + "-" + i, vector(dim), Map.of()));
            if (batch.size() == 500) {
                namespaces.upsert(ns, batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            namespaces.upsert(ns, batch);
        }
    }

    private float[] vector(int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
