/**
 * The one decision between the Vector API and scalar code (KernelBackend: the incubator module present, C2 on, or
 * forced by abi.vector.backend), made once per JVM for every consumer's kernels. Depends on nothing in core.
 */
package dev.abi.simd;
