package dev.abi.gcp.gpu;

import dev.abi.functions.AbiConfig;
import dev.abi.gateway.GpuCredentials;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The GPU routing's credentials in the Google package, in place of the default (none) that {@code CoreBeans}
 * produces: with {@code abi.gpu.url} set and {@code abi.gpu.auth=google} (the default here), a Google identity token
 * whose audience is the service's URL (scheme, host and port; {@code abi.gpu.audience} names another, e.g. a Cloud
 * Run custom audience). {@code abi.gpu.auth=none} sends no credential, for a service that lets anyone call it.
 */
public class GcpGpuBeans {

    private static final Logger LOG = Logger.getLogger(GcpGpuBeans.class);

    @Produces
    @Singleton
    GpuCredentials gpuCredentials(AbiConfig config) {
        AbiConfig.Gpu gpu = config.gpu();
        return credentials(gpu.url(), gpu.auth(), gpu.audience(), gpu.timeout(), System.getenv(), Clock.systemUTC());
    }

    /** What {@code abi.gpu.*} asks for; an unknown {@code abi.gpu.auth} stops the start naming the property. */
    static GpuCredentials credentials(
            Optional<String> url,
            String auth,
            Optional<String> audience,
            Duration timeout,
            Map<String, String> env,
            Clock clock) {
        String mode = auth.strip().toLowerCase(Locale.ROOT);
        if (!mode.equals("google") && !mode.equals("none")) {
            throw new IllegalStateException("abi.gpu.auth must be 'google' or 'none', got '" + auth + "'");
        }
        if (url.isEmpty() || mode.equals("none")) {
            return GpuCredentials.NONE;
        }
        String aud = audience.filter(a -> !a.isBlank()).orElseGet(() -> origin(url.get()));
        GoogleIdentityToken token = GoogleIdentityToken.builder(aud)
                .environment(env)
                .timeout(timeout)
                .clock(clock)
                .build();
        LOG.infof(
                "requests to the GPU service carry a Google identity token (%s); abi.gpu.auth=none sends none", token);
        return token;
    }

    /** {@code scheme://host[:port]} of {@code abi.gpu.url}: what Cloud Run takes as its URL audience. */
    static String origin(String url) {
        URI u;
        try {
            u = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("abi.gpu.url is not a URL: " + e.getMessage(), e);
        }
        if (u.getScheme() == null || u.getRawAuthority() == null) {
            throw new IllegalStateException("abi.gpu.url must be an absolute URL such as https://abi-gpu-xyz.a.run.app,"
                    + " got '" + url + "'");
        }
        return u.getScheme() + "://" + u.getRawAuthority();
    }
}
