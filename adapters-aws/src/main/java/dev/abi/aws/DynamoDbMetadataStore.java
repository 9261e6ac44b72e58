package dev.abi.aws;

import dev.abi.store.IdempotencyClaim;
import dev.abi.store.MetadataStore;
import dev.abi.store.ObjectStoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.DeleteItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.UpdateItemEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * {@link MetadataStore} on DynamoDB through the Enhanced Client: the indexer lease with its fencing epoch (optimistic
 * locking on {@code rev}), head hints (a conditional update that only raises {@code seq}), and idempotency records
 * (an in-progress claim created if absent, then the result; a TTL attribute expires them). A cache and coordinator only: deleting the table loses no data.
 */
public final class DynamoDbMetadataStore implements MetadataStore {

    private final DynamoDbTable<LeaseItem> leases;
    private final DynamoDbTable<HeadHintItem> heads;
    private final DynamoDbTable<IdempotencyItem> idempotency;
    private final Clock clock;

    /** One table (partition key {@code pk}, a string) holds all three kinds of item, each with its own schema. */
    public DynamoDbMetadataStore(DynamoDbClient dynamo, String tableName, Clock clock) {
        DynamoDbEnhancedClient enhanced =
                DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo).build();
        this.leases = enhanced.table(tableName, MetadataSchemas.LEASE);
        this.heads = enhanced.table(tableName, MetadataSchemas.HEAD_HINT);
        this.idempotency = enhanced.table(tableName, MetadataSchemas.IDEMPOTENCY);
        this.clock = clock;
    }

    /** Creates the table (on-demand billing) if it does not exist; for emulators and first runs. */
    public void createTableIfMissing() {
        try {
            heads.createTable();
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceInUseException exists) {
            // already there
        }
    }

    @Override
    public OptionalLong tryAcquire(String root, String owner, Duration ttl, long minEpoch) {
        long now = clock.millis();
        try {
            LeaseItem current = leases.getItem(key("lease#" + root));
            if (current == null) {
                LeaseItem fresh = leaseItem("lease#" + root);
                fresh.setOwner(owner);
                long first = Math.max(1, minEpoch);
                fresh.setEpoch(first);
                fresh.setExpiresAt(now + ttl.toMillis());
                leases.putItem(fresh); // rev is null: the client adds attribute_not_exists(rev)
                return OptionalLong.of(first);
            }
            boolean ours = owner.equals(current.getOwner());
            if (!ours && current.getExpiresAt() != null && current.getExpiresAt() > now) {
                return OptionalLong.empty();
            }
            // Keep our epoch only if no newer one has committed since; otherwise take a fresh, higher one.
            long epoch = ours && current.getEpoch() >= minEpoch - 1
                    ? current.getEpoch()
                    : Math.max(current.getEpoch() + 1, minEpoch);
            current.setOwner(owner);
            current.setEpoch(epoch);
            current.setExpiresAt(now + ttl.toMillis());
            leases.putItem(current); // conditional on the rev we read
            return OptionalLong.of(epoch);
        } catch (ConditionalCheckFailedException raced) {
            return OptionalLong.empty();
        } catch (DynamoDbException e) {
            throw failure("take the lease of " + root, e);
        }
    }

    @Override
    public void release(String root, String owner, long epoch) {
        try {
            LeaseItem current = leases.getItem(key("lease#" + root));
            if (current != null && owner.equals(current.getOwner()) && current.getEpoch() == epoch) {
                current.setExpiresAt(0L);
                leases.putItem(current);
            }
        } catch (ConditionalCheckFailedException raced) {
            // taken meanwhile: nothing to release
        } catch (DynamoDbException e) {
            throw failure("release the lease of " + root, e);
        }
    }

    @Override
    public OptionalLong headHint(String root) {
        try {
            HeadHintItem item = heads.getItem(key("head#" + root));
            return item == null || item.getSeq() == null ? OptionalLong.empty() : OptionalLong.of(item.getSeq());
        } catch (DynamoDbException e) {
            throw failure("read the head hint of " + root, e);
        }
    }

    @Override
    public void advanceHeadHint(String root, long seq) {
        HeadHintItem item = new HeadHintItem();
        item.setPk("head#" + root);
        item.setSeq(seq);
        try {
            heads.updateItem(UpdateItemEnhancedRequest.builder(HeadHintItem.class)
                    .item(item)
                    .ignoreNulls(true)
                    .conditionExpression(Expression.builder()
                            .expression("attribute_not_exists(#seq) OR #seq < :seq")
                            .putExpressionName("#seq", "seq")
                            .putExpressionValue(":seq", AttributeValue.fromN(Long.toString(seq)))
                            .build())
                    .build());
        } catch (ConditionalCheckFailedException alreadyHigher) {
            // another writer raised it further
        } catch (DynamoDbException e) {
            throw failure("advance the head hint of " + root, e);
        }
    }

    @Override
    public Optional<byte[]> idempotentResult(String key) {
        try {
            IdempotencyItem item = idempotency.getItem(key("idem#" + key));
            if (item == null
                    || item.getResult() == null
                    || item.getExpiresAt() == null
                    || item.getExpiresAt() < clock.millis()) {
                return Optional.empty(); // DynamoDB's TTL deletes lazily: check the expiry ourselves
            }
            return Optional.of(Base64.getDecoder().decode(item.getResult()));
        } catch (DynamoDbException e) {
            throw failure("read an idempotency record", e);
        }
    }

    @Override
    public IdempotencyClaim claimIdempotencyKey(String key, Duration claimTtl) {
        for (int attempt = 0; attempt < 8; attempt++) {
            long now = clock.millis();
            IdempotencyItem marker = new IdempotencyItem();
            marker.setPk("idem#" + key);
            marker.setExpiresAt(now + claimTtl.toMillis());
            marker.setTtl((now + claimTtl.toMillis()) / 1000 + 1);
            try {
                idempotency.putItem(PutItemEnhancedRequest.builder(IdempotencyItem.class)
                        .item(marker)
                        .conditionExpression(liveRecordAbsent(now))
                        .build());
                return IdempotencyClaim.claimed();
            } catch (ConditionalCheckFailedException held) {
                IdempotencyItem item;
                try {
                    item = idempotency.getItem(r -> r.key(key("idem#" + key)).consistentRead(true));
                } catch (DynamoDbException e) {
                    throw failure("read an idempotency record", e);
                }
                if (item != null && item.getExpiresAt() != null && item.getExpiresAt() >= clock.millis()) {
                    return item.getResult() == null
                            ? IdempotencyClaim.inProgress()
                            : IdempotencyClaim.completed(Base64.getDecoder().decode(item.getResult()));
                }
                // it expired or was released between the two calls: try to claim it again
            } catch (DynamoDbException e) {
                throw failure("claim an idempotency key", e);
            }
        }
        return IdempotencyClaim.inProgress();
    }

    @Override
    public void recordIdempotentResult(String key, byte[] result, Duration ttl) {
        IdempotencyItem item = new IdempotencyItem();
        item.setPk("idem#" + key);
        long expiresAt = clock.millis() + ttl.toMillis();
        item.setResult(Base64.getEncoder().encodeToString(result));
        item.setExpiresAt(expiresAt);
        item.setTtl(expiresAt / 1000 + 1);
        try {
            // replaces our in-progress marker; only a completed record of another attempt is kept
            idempotency.putItem(PutItemEnhancedRequest.builder(IdempotencyItem.class)
                    .item(item)
                    .conditionExpression(Expression.builder()
                            .expression("attribute_not_exists(#r) OR expiresAt < :now")
                            .expressionNames(Map.of("#r", "result"))
                            .expressionValues(Map.of(":now", AttributeValue.fromN(Long.toString(clock.millis()))))
                            .build())
                    .build());
        } catch (ConditionalCheckFailedException anotherAttemptFinished) {
            // its outcome stands
        } catch (DynamoDbException e) {
            throw failure("record an idempotency key", e);
        }
    }

    @Override
    public void releaseIdempotencyKey(String key) {
        try {
            idempotency.deleteItem(DeleteItemEnhancedRequest.builder()
                    .key(key("idem#" + key))
                    .conditionExpression(Expression.builder()
                            .expression("attribute_not_exists(#r)")
                            .expressionNames(Map.of("#r", "result"))
                            .build())
                    .build());
        } catch (ConditionalCheckFailedException finished) {
            // a completed record is never released
        } catch (DynamoDbException e) {
            throw failure("release an idempotency key", e);
        }
    }

    /** No live record: none at all, or one whose time has passed (DynamoDB's TTL deletes lazily). */
    private static Expression liveRecordAbsent(long now) {
        return Expression.builder()
                .expression("attribute_not_exists(pk) OR expiresAt < :now")
                .expressionValues(Map.of(":now", AttributeValue.fromN(Long.toString(now))))
                .build();
    }

    private static Key key(String pk) {
        return Key.builder().partitionValue(pk).build();
    }

    private static LeaseItem leaseItem(String pk) {
        LeaseItem i = new LeaseItem();
        i.setPk(pk);
        return i;
    }

    private static ObjectStoreException failure(String what, DynamoDbException e) {
        return new ObjectStoreException("DynamoDB could not " + what + " (HTTP " + e.statusCode() + ")", e);
    }
}
