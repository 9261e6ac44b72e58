/**
 * The Quarkus app written once: CDI wiring of core (CoreBeans maps typed configuration, AbiConfig, to core's
 * records and builders), the store and metadata factories a packaging selects by kind, the Vert.x front door of
 * the local server and Cloud Functions, the listen-host rule, health checks and priming. It may use core and
 * Quarkus; no cloud SDK.
 */
package dev.abi.functions;
