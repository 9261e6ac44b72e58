/**
 * Azure Functions packaging: the HTTP, Event Grid and blob-trigger entry classes (decode, call core, encode) and
 * BlobObjectStore, core's ObjectStore on Blob Storage with its CDI factory. It may use core, functions and the
 * Azure SDK.
 */
package dev.abi.azure;
