package dev.abi.vector;

import java.util.Map;

/**
 * What {@link GraphSearcher} reads of an HNSW graph: the entry point, each node's neighbours on each level (through
 * a cursor, so that a list is read where it lies: an {@code int[]} on the heap, a run of a segment's link column in
 * place), which nodes a search may return, their ids and attributes, and the scorers for a query.
 *
 * <p>A view is made for one search or one insert and is not shared between threads: the cursor holds state, and the
 * view may fix what it reads (arrays, quantizers) when it is made.
 *
 * <p>There are two implementations, both final: {@link HnswIndex}'s, over its arrays, and {@link HnswSegmentView}'s,
 * over a segment's bytes. Each call site in the searcher therefore sees at most two receiver classes, which C2
 * inlines both behind a class check (bimorphic inlining, no interface dispatch), and a process that serves only
 * heap indexes or only segments sees one. A third implementation would make the inner loops' call sites
 * megamorphic: add one only with a benchmark of both existing ones beside it.
 */
interface GraphView {

    /** Node ordinals a scan visits run from 0 to this (exclusive). */
    int nodes();

    /** The node the search starts from, or -1 when the graph is empty. */
    int entryNode();

    /** The top level, the entry node's. */
    int entryLevel();

    /** How many nodes a search may return (live, and not hidden by the caller). */
    int visibleCount();

    /** The most links a list on {@code level} holds when built (a read list may be longer; the searcher copes). */
    int maxDegree(int level);

    /**
     * Moves the cursor to the start of {@code node}'s neighbour list on {@code level}, closest first.
     *
     * @return how many neighbours the list holds: call {@link #nextNeighbour()} exactly that many times
     */
    int seek(int node, int level);

    /** The next neighbour of the list the last {@link #seek} chose. */
    int nextNeighbour();

    /** Whether a search may return the node: live, and not hidden. */
    boolean isLive(int node);

    Map<String, Object> attributes(int node);

    String id(int node);

    Metric metric();

    /** The query's norm where the metric needs one (cosine), else 0. */
    float queryNorm(float[] query);

    /** Exact scoring of the query on the float vectors: exact scans and re-ranking, and the walk without codes. */
    NodeScorer floatScorer(float[] query, float queryNorm);

    /** Scoring of the query on the int8 or PQ codes the walk reads, or null when the walk reads the floats. */
    NodeScorer codeScorer(float[] query, float queryNorm);

    /** This thread's visited set, cleared and sized for every node a link can point at. */
    GraphSearcher.Visited visited();
}
