package dev.abi.vector;

import java.util.Arrays;
import java.util.List;

/**
 * The HNSW search, written once over a {@link GraphView}: greedy descent through the upper levels, best-first search
 * of a level, the exact scan that replaces the walk under a narrow filter or when the walk finds too few matches, and
 * the re-ranking of code-scored candidates on the floats. {@link HnswIndex} searches its heap arrays with it (and
 * builds its graph with {@link #greedy} and {@link #searchLayer}); {@link HnswSegmentView} searches a segment in
 * place. Like Lucene's {@code HnswGraphSearcher} over {@code HnswGraph} and jvector's {@code GraphSearcher} over
 * {@code GraphIndex.View}.
 *
 * <p>Filters are evaluated during traversal: non-matching nodes are walked through but never returned. When a
 * sample of the attributes says the filter keeps few nodes, the search scans the matching nodes exactly instead, and
 * it does the same when the walk finds fewer than {@code topK} matches. Results never include a node outside the
 * filter.
 *
 * <p>Scratch: each layer search allocates its two heaps and one buffer of fresh neighbours (reused across the nodes
 * it expands, grown only for a list longer than the level's bound); the visited set is the view's, one per thread,
 * cleared in O(1).
 */
final class GraphSearcher {

    /** Below this estimated share of matching nodes, a filtered search scans the matches exactly. */
    static final double EXACT_FILTER_SHARE = 0.10;
    /** Nodes sampled, evenly spaced, to estimate a filter's share. */
    static final int FILTER_SAMPLE = 256;

    private GraphSearcher() {}

    /**
     * The {@code topK} nearest nodes that the view may return and that pass {@code filter}, closest first, with the
     * distances the API reports; {@code ef} is the candidate list's size (raised to {@code topK}).
     */
    static List<SearchHit> search(GraphView graph, float[] query, int topK, Filter filter, int ef) {
        int entry = graph.entryNode();
        int visible = graph.visibleCount();
        if (entry < 0 || visible <= 0) {
            return List.of();
        }
        float queryNorm = graph.queryNorm(query);
        NodeScorer floats = graph.floatScorer(query, queryNorm);
        if (filter != Filter.ALL && estimatedShare(graph, filter) < EXACT_FILTER_SHARE) {
            return exact(graph, floats, topK, filter);
        }
        NodeScorer codes = graph.codeScorer(query, queryNorm);
        NodeScorer walk = codes != null ? codes : floats;
        int ep = entry;
        for (int level = graph.entryLevel(); level > 0; level--) {
            ep = greedy(graph, walk, ep, level);
        }
        ScoredNodes found = searchLayer(
                graph,
                walk,
                new long[] {ScoredNodes.encode(walk.distance(ep), ep)},
                Math.max(ef, topK),
                0,
                filter,
                true,
                graph.visited());
        if (found.size() < Math.min(topK, visible)) {
            // The walk met too few matches (a narrow filter or many tombstones): answer exactly instead.
            return exact(graph, floats, topK, filter);
        }
        TopK best = new TopK(Math.min(topK, found.size()));
        for (long packed : found.toArray()) {
            int node = ScoredNodes.node(packed);
            // With codes the walk's distances are approximate: re-rank its candidates on the floats.
            float d = codes == null ? ScoredNodes.distance(packed) : floats.distance(node);
            best.offer(graph.id(node), reported(graph.metric(), d));
        }
        return best.result();
    }

    /** From {@code ep}, moves to the closest neighbour on {@code level} while that gets closer to the query. */
    static int greedy(GraphView graph, NodeScorer scorer, int ep, int level) {
        int current = ep;
        float best = scorer.distance(current);
        boolean moved = true;
        while (moved) {
            moved = false;
            int links = graph.seek(current, level);
            for (int i = 0; i < links; i++) {
                int nb = graph.nextNeighbour();
                float d = scorer.distance(nb);
                if (d < best) {
                    best = d;
                    current = nb;
                    moved = true;
                }
            }
        }
        return current;
    }

    /**
     * Best-first search of one level from {@code entryPoints} (packed distance and node). Returns a max-heap of the
     * {@code ef} closest accepted nodes. With {@code liveOnly}, nodes the view may not return and nodes the filter
     * rejects are walked through but not returned; without it (building the graph) every node is accepted.
     */
    static ScoredNodes searchLayer(
            GraphView graph,
            NodeScorer scorer,
            long[] entryPoints,
            int ef,
            int level,
            Filter filter,
            boolean liveOnly,
            Visited visited) {
        ScoredNodes candidates = new ScoredNodes(ef * 2, false);
        ScoredNodes results = new ScoredNodes(ef + 1, true);
        int[] fresh = new int[graph.maxDegree(level) + 1];
        float[] freshDistances = new float[fresh.length];
        for (long ep : entryPoints) {
            int node = ScoredNodes.node(ep);
            if (visited.mark(node)) {
                candidates.push(ep);
                if (accepts(graph, node, filter, liveOnly)) {
                    results.push(ep);
                    if (results.size() > ef) {
                        results.pop();
                    }
                }
            }
        }
        while (candidates.size() > 0) {
            long closest = candidates.pop();
            if (results.size() >= ef && closest > results.peek()) {
                break;
            }
            int links = graph.seek(ScoredNodes.node(closest), level);
            if (links > fresh.length) {
                fresh = new int[links];
                freshDistances = new float[links];
            }
            int count = 0;
            for (int i = 0; i < links; i++) {
                int nb = graph.nextNeighbour();
                if (visited.mark(nb)) {
                    fresh[count++] = nb;
                }
            }
            scorer.distances(fresh, count, freshDistances);
            for (int j = 0; j < count; j++) {
                int nb = fresh[j];
                long packed = ScoredNodes.encode(freshDistances[j], nb);
                if (results.size() < ef || packed < results.peek()) {
                    candidates.push(packed);
                    if (accepts(graph, nb, filter, liveOnly)) {
                        results.push(packed);
                        if (results.size() > ef) {
                            results.pop();
                        }
                    }
                }
            }
        }
        return results;
    }

    /** Scans every node the view may return and the filter keeps, scoring each on the floats. */
    static List<SearchHit> exact(GraphView graph, NodeScorer floats, int topK, Filter filter) {
        TopK best = new TopK(topK);
        Metric metric = graph.metric();
        int n = graph.nodes();
        for (int node = 0; node < n; node++) {
            if (accepts(graph, node, filter, true)) {
                float d = reported(metric, floats.distance(node));
                if (best.mayAccept(d)) {
                    best.offer(graph.id(node), d);
                }
            }
        }
        return best.result();
    }

    /** Share of the nodes the view may return that the filter keeps, from an evenly spaced sample. */
    static double estimatedShare(GraphView graph, Filter filter) {
        int n = graph.nodes();
        int step = Math.max(1, n / FILTER_SAMPLE);
        int sampled = 0;
        int kept = 0;
        for (int node = 0; node < n; node += step) {
            if (graph.isLive(node)) {
                sampled++;
                if (filter.matches(graph.attributes(node))) {
                    kept++;
                }
            }
        }
        return sampled == 0 ? 0 : (double) kept / sampled;
    }

    private static boolean accepts(GraphView graph, int node, Filter filter, boolean liveOnly) {
        return !liveOnly || (graph.isLive(node) && (filter == Filter.ALL || filter.matches(graph.attributes(node))));
    }

    /** The distance the API reports (l2 is not squared). */
    static float reported(Metric metric, float internal) {
        return metric == Metric.L2 ? (float) Math.sqrt(internal) : internal;
    }

    /** Per-thread visited marks, cleared in O(1) by bumping a generation. */
    static final class Visited {
        private int[] marks = new int[0];
        private int generation;

        /** Clears the marks and makes room for nodes 0 to {@code size} (exclusive). */
        Visited reset(int size) {
            if (marks.length < size) {
                marks = new int[size];
                generation = 0;
            }
            if (++generation == 0) {
                Arrays.fill(marks, 0);
                generation = 1;
            }
            return this;
        }

        /** Marks the node; returns false when it was already marked. */
        boolean mark(int node) {
            if (marks[node] == generation) {
                return false;
            }
            marks[node] = generation;
            return true;
        }
    }
}
