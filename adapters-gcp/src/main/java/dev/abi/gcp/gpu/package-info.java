/**
 * Credentials of the GPU routing on Google Cloud: the metadata server's identity token for the GPU service's URL
 * ({@link dev.abi.gcp.gpu.GoogleIdentityToken}), which a private Cloud Run service ({@code roles/run.invoker})
 * accepts, and the CDI producer that hands it to the routing when {@code abi.gpu.url} is set
 * ({@link dev.abi.gcp.gpu.GcpGpuBeans}).
 */
package dev.abi.gcp.gpu;
