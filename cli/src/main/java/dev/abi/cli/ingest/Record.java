package dev.abi.cli.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One vector ({@code {"id","values","attributes"?}}) or document ({@code {"id","text","attributes"?}}) read from an
 * input, with where it came from (for error messages) and how many input bytes have been consumed once it is read.
 */
public record Record(Kind kind, ObjectNode json, String origin, long bytesRead) {

    /** Which route a record goes to. */
    public enum Kind {
        /** {@code POST /v1/namespaces/{ns}/vectors} */
        VECTOR("vectors"),
        /** {@code POST /v1/namespaces/{ns}/documents} */
        DOCUMENT("documents");

        /** The route's last path segment, and the array field of its body. */
        public final String field;

        Kind(String field) {
            this.field = field;
        }
    }
}
