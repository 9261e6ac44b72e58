package dev.abi.cli;

import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** The options of every command that talks to a server: where, with which key, how patiently. */
public final class ApiOptions {

    /** Tests set this to skip real waits; the tool itself never changes it. */
    public static Sleeper sleeper = Sleeper.SYSTEM;

    @Option(
            names = "--url",
            defaultValue = "http://127.0.0.1:8080",
            showDefaultValue = Visibility.ALWAYS,
            description = "The server's base URL.")
    URI url;

    @Option(
            names = "--api-key",
            defaultValue = "${env:ABI_API_KEY}",
            showDefaultValue = Visibility.NEVER,
            description = "API key or JWT sent as a bearer token (default: $ABI_API_KEY). Never printed.")
    String apiKey;

    @Option(
            names = "--timeout",
            defaultValue = "120",
            showDefaultValue = Visibility.ALWAYS,
            description = "Seconds to wait for one reply.")
    int timeoutSeconds;

    @Option(
            names = "--max-attempts",
            defaultValue = "10",
            showDefaultValue = Visibility.ALWAYS,
            description = "Tries per request when the server answers 429 or 503 or cannot be reached.")
    int maxAttempts;

    @Option(
            names = "--max-wait",
            defaultValue = "30",
            showDefaultValue = Visibility.ALWAYS,
            description = "Longest wait in seconds between two tries, whatever Retry-After asks.")
    int maxWaitSeconds;

    /** A client configured from these options. */
    public ApiClient client() {
        if (url.getScheme() == null || !url.getScheme().matches("https?") || url.getHost() == null) {
            throw new UsageException("--url must be an http:// or https:// URL, got '" + url + "'");
        }
        return new ApiClient(
                url,
                apiKey,
                Duration.ofSeconds(Math.max(1, timeoutSeconds)),
                maxAttempts,
                Duration.ofMillis(250),
                Duration.ofSeconds(Math.max(0, maxWaitSeconds)),
                sleeper);
    }
}
