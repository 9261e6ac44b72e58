package dev.abi.functions;

/**
 * The canonical object event as Funqy functions receive it (JSON): the adapters produce it from S3, GCS
 * and Blob notifications.
 */
public class ObjectEvent {
    /** Bucket or container name. */
    public String bucket;
    /** Object key, already URL-decoded. */
    public String key;
    /** Object etag, if the notification carried one. */
    public String etag;
    /** Object version (S3 version id, GCS generation), if known; tells writes with the same etag apart. */
    public String version;
    /** Object size in bytes, if known. */
    public long size;
    /** Event time, ISO-8601. */
    public String time;
}
