package dev.abi.events;

import dev.abi.gateway.HttpRequest;

/** An HTTP call of the API, from any front door. */
public record ApiCall(HttpRequest request) implements CanonicalEvent {
}
