/**
 * Failures classified once: {@link dev.abi.failure.Failures#classify} turns any exception into a {@link
 * dev.abi.failure.Failure} (status, problem type and title, field errors, headers, whether a retry can help), which
 * the gateway renders as a problem body or as an OpenAI error and the event processor asks whether to retry.
 * Exceptions of the layers above (HTTP, events) classify themselves through {@link dev.abi.failure.Classified}. It
 * may use the domain packages' exception types; nothing here imports {@code gateway} or {@code events}.
 */
package dev.abi.failure;
