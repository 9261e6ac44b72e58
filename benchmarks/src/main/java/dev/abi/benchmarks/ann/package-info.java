/**
 * The ANN benchmark: datasets (Fashion-MNIST, synthetic), contenders behind one interface (ours, jvector, Lucene,
 * exact), recall/QPS sweeps and SVG plots.
 */
package dev.abi.benchmarks.ann;
