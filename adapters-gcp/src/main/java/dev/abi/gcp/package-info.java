/**
 * Google Cloud Functions packaging. The HTTP entry point is Quarkus's {@code QuarkusHttpFunction}, which feeds each
 * request into the Vert.x router, where {@code dev.abi.functions.VertxGatewayRoute} hands it to the core gateway; this
 * module therefore holds configuration and tests, and later the GCS object store and the Eventarc triggers.
 */
package dev.abi.gcp;
