package dev.abi.gateway;

import java.util.Optional;

/**
 * The credential {@link GpuRouting} sends to the GPU service: the value of the {@code Authorization} header of each
 * request (a query, a batch of queries, a slice of inputs to embed), or none. A private Cloud Run service wants a
 * Google identity token whose audience is its URL ({@code dev.abi.gcp.gpu.GoogleIdentityToken} in adapters-gcp);
 * core holds only this hook, so it imports no cloud SDK.
 *
 * <p>It is asked once per request, from any thread, inside the routing's breaker: a {@link RuntimeException} is a
 * routing failure that the breaker counts, and the CPU answers. Implementations cache what they fetch, and never put
 * the credential itself in an exception message, a log line or a {@code toString}.
 */
@FunctionalInterface
public interface GpuCredentials {

    /** No credential: for a service that lets anyone call it (or one reached on a private network). */
    GpuCredentials NONE = Optional::empty;

    /**
     * The {@code Authorization} header value for the next request (e.g. {@code Bearer <token>}), or empty to send
     * none.
     *
     * @throws GpuCredentialsException when no credential can be had now
     */
    Optional<String> authorization();
}
