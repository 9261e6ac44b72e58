package dev.abi.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.abi.store.ObjectInfo;
import dev.abi.store.ObjectStore;
import dev.abi.store.PreconditionFailedException;
import dev.abi.telemetry.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Objects that event-triggered indexing could not ingest, kept in the state store under {@code deadletter/}: one
 * record per object write, created with a conditional put, so a redelivered poison event is reported once.
 */
public final class DeadLetters {

    /** The prefix of dead-letter records in the state store. */
    public static final String PREFIX = "deadletter/";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(DeadLetters.class.getName());

    /**
     * One object that could not be indexed.
     *
     * @param writeId the object version or etag the failure belongs to; null when the event carried neither
     * @param error   what is wrong with it, naming the object
     * @param time    when it was recorded, ISO-8601
     */
    public record DeadLetter(String bucket, String key, String writeId, String error, String time) {
        public DeadLetter(String bucket, String key, String writeId, String error, Instant time) {
            this(bucket, key, writeId, error, time.toString());
        }
    }

    private final ObjectStore state;
    private final Metrics metrics;

    public DeadLetters(ObjectStore state) {
        this(state, Metrics.NOOP);
    }

    /** @param metrics counts each new dead letter in {@code abi.events.dead_lettered} */
    public DeadLetters(ObjectStore state, Metrics metrics) {
        this.state = state;
        this.metrics = metrics;
    }

    /** Records the failure unless this object write already has a record; returns whether this call created it. */
    public boolean record(DeadLetter letter) {
        String name = PREFIX + id(letter.bucket(), letter.key(), letter.writeId()) + ".json";
        try {
            byte[] bytes = JSON.writeValueAsBytes(letter);
            boolean created;
            try {
                state.putIfAbsent(name, bytes);
                created = true;
            } catch (PreconditionFailedException exists) {
                created = false;
            }
            if (created) {
                metrics.count("abi.events.dead_lettered");
                LOG.log(System.Logger.Level.WARNING, "dead letter {0}: {1}", name, letter.error());
            }
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Up to {@code limit} records, oldest key first. */
    public List<DeadLetter> list(int limit) {
        List<DeadLetter> out = new ArrayList<>();
        for (ObjectInfo info : state.list(PREFIX, null, limit)) {
            state.get(info.key()).ifPresent(o -> {
                try {
                    out.add(JSON.readValue(o.bytes(), DeadLetter.class));
                } catch (IOException unreadable) {
                    LOG.log(System.Logger.Level.WARNING, "unreadable dead letter {0}", info.key());
                }
            });
        }
        return out;
    }

    static String id(String bucket, String key, String writeId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = sha.digest(
                    (bucket + "\n" + key + "\n" + (writeId == null ? "" : writeId)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
