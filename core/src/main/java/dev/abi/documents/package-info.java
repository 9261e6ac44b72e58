/**
 * Text in: chunking, the file formats of event-triggered indexing (txt, md, json, jsonl, csv) and DocumentIndex,
 * which embeds chunks and writes them to namespaces. May use namespace, inference, vector and budget; never
 * gateway or events.
 */
package dev.abi.documents;
