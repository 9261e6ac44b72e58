package dev.abi.gpu.service;

import dev.abi.gpu.cuda.CudaApi;
import dev.abi.gpu.cuda.GpuRuntime;
import dev.abi.gpu.cuda.GpuStatus;
import dev.abi.gpu.cuda.GpuUnavailableException;
import dev.abi.gpu.cuda.JCudaApi;
import dev.abi.gpu.embed.GpuEncoder;
import dev.abi.gpu.search.ResidentMatrix;
import dev.abi.namespace.NamespaceService;
import dev.abi.namespace.NamespaceStore;
import dev.abi.store.LocalDiskObjectStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The GPU, the namespaces it serves and the embedding model it runs, opened at startup. Queries and embedding
 * requests go through {@link MicroBatcher}s, whose work runs on the GPU thread. Without a GPU every call throws
 * {@link GpuUnavailableException}: nothing here computes on the CPU.
 */
@ApplicationScoped
public class GpuService {

    private static final Logger LOG = Logger.getLogger(GpuService.class);

    /** One query request: its namespace, its vectors and topK. */
    public record QueryJob(String namespace, float[][] vectors, int topK) {}

    /** A match: the row's id and distance. */
    public record Hit(String id, float distance) {}

    /** Matches per vector of a {@link QueryJob}, and the namespace version they were answered at. */
    public record QueryAnswer(List<List<Hit>> results, long version) {}

    @ConfigProperty(name = "abi.gpu.device", defaultValue = "0")
    int deviceOrdinal;

    /**
     * The CUDA binding: {@code jcuda} (the driver API through JCuda), or the name of another {@link CudaApi} class
     * with a public no-argument constructor (the tests' emulated GPU; a {@code java.lang.foreign} binding later).
     */
    @ConfigProperty(name = "abi.gpu.binding", defaultValue = "jcuda")
    String binding;

    /** Where the functions keep namespaces (a shared volume): the same LocalDiskObjectStore layout. */
    @ConfigProperty(name = "abi.data-dir")
    Optional<String> dataDir;

    /** A BERT GGUF file for /v1/embeddings; unset: that route answers 503. */
    @ConfigProperty(name = "abi.gpu.embedding-model")
    Optional<String> embeddingModel;

    /** How resident vectors are stored on the device: f32 (exact as the CPU) or f16 (half the memory). */
    @ConfigProperty(name = "abi.gpu.precision", defaultValue = "f32")
    String precision;

    private GpuRuntime runtime;
    private NamespaceService namespaces;
    private QueryEngine engine;
    private GpuEncoder encoder;
    private String encoderProblem;
    private MicroBatcher<QueryJob, QueryAnswer> queryBatcher;
    private MicroBatcher<List<String>, float[][]> embedBatcher;

    void start(@Observes StartupEvent ev) {
        runtime = GpuRuntime.open(binding(), deviceOrdinal);
        if (!runtime.available()) {
            LOG.warnf("no GPU: %s; the GPU routes answer 503", runtime.reason());
            return;
        }
        LOG.infof(
                "GPU %s (compute %s)", runtime.device().name(), runtime.device().computeCapability());
        ResidentMatrix.Precision p = ResidentMatrix.Precision.valueOf(precision.toUpperCase(Locale.ROOT));
        if (p == ResidentMatrix.Precision.I8) {
            throw new IllegalArgumentException("abi.gpu.precision=" + precision + ": f32 or f16");
        }
        if (dataDir.isPresent()) {
            namespaces = new NamespaceService(new NamespaceStore(new LocalDiskObjectStore(Path.of(dataDir.get()))));
            engine = new QueryEngine(runtime, namespaces, p);
        }
        if (embeddingModel.isPresent()) {
            try {
                encoder = runtime.call(api -> new GpuEncoder(api, runtime::kernel, Path.of(embeddingModel.get())));
            } catch (RuntimeException e) {
                encoderProblem = "the embedding model cannot be loaded: " + e.getMessage();
                LOG.error(encoderProblem, e);
            }
        } else {
            encoderProblem = "no embedding model is configured (abi.gpu.embedding-model)";
        }
        queryBatcher = new MicroBatcher<>("gpu-query-batcher", 64, jobs -> engine.answer(jobs));
        embedBatcher = new MicroBatcher<>("gpu-embed-batcher", 16, this::embedBatch);
    }

    private Supplier<CudaApi> binding() {
        if (binding.equals("jcuda")) {
            return JCudaApi::new;
        }
        return () -> {
            try {
                return (CudaApi) Class.forName(binding).getConstructor().newInstance();
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalArgumentException(
                        "abi.gpu.binding=" + binding + ": not a CudaApi class with a public"
                                + " no-argument constructor",
                        e);
            }
        };
    }

    void stop(@Observes ShutdownEvent ev) {
        if (queryBatcher != null) {
            queryBatcher.close();
            embedBatcher.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    public GpuStatus status() {
        return GpuStatus.of(runtime);
    }

    /** @throws GpuUnavailableException with the reason, when there is no GPU */
    public void requireGpu() {
        if (!runtime.available()) {
            throw new GpuUnavailableException(runtime.reason(), null);
        }
    }

    /** Answers one request, batched with whatever else is waiting. */
    public QueryAnswer query(QueryJob job) {
        requireGpu();
        if (namespaces == null) {
            throw new GpuUnavailableException("no object store is configured (abi.data-dir)", null);
        }
        namespaces.describe(job.namespace()); // 404 before queueing
        return join(queryBatcher.submit(job));
    }

    /** The namespace's dimension, for validation. */
    public int dimension(String namespace) {
        requireGpu();
        if (namespaces == null) {
            throw new GpuUnavailableException("no object store is configured (abi.data-dir)", null);
        }
        return namespaces.describe(namespace).dimension();
    }

    /** Embeds texts, batched with other waiting requests. */
    public float[][] embed(List<String> texts) {
        requireGpu();
        if (encoder == null) {
            throw new GpuUnavailableException(encoderProblem, null);
        }
        return join(embedBatcher.submit(texts));
    }

    public String modelName() {
        return encoder == null ? null : encoder.name();
    }

    public int countTokens(String text) {
        return encoder.cpuModel().tokenize(text).length;
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private List<float[][]> embedBatch(List<List<String>> requests) {
        List<String> all = new ArrayList<>();
        requests.forEach(all::addAll);
        float[][] vectors = runtime.call(api -> encoder.embed(api, all));
        List<float[][]> out = new ArrayList<>();
        int at = 0;
        for (List<String> r : requests) {
            out.add(Arrays.copyOfRange(vectors, at, at + r.size()));
            at += r.size();
        }
        return out;
    }
}
