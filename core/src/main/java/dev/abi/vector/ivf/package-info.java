/**
 * The clustered (IVF) segment: an object-storage-native layout for large namespaces. A small header (centroids,
 * int8 quantizer, per-cluster offsets and checksums) is read once; each cluster's codes, ids and attributes lie
 * contiguously so that one ranged GET reads one cluster; full vectors lie in separate parts in cluster order, read
 * by ranged GETs to re-rank the best candidates exactly. {@link RangeCache} keeps what was read in memory and on local
 * disk. See docs/storage-layout.md.
 */
package dev.abi.vector.ivf;
