/**
 * The one request path of every deployment: Gateway (router, authentication, rate limits, idempotency, body
 * limits), the API classes that decode and validate JSON and call the domain (VectorApi, HistoryApi, DocumentsApi,
 * InferenceApi, EmbeddingsApi, AdminApi, MaintenanceApi, ObjectEventsApi), GPU routing, and the two renderers of
 * classified failures (ProblemMapper, OpenAiErrors). The top layer of core: it may use every other package; no
 * other package may use it.
 */
package dev.abi.gateway;
