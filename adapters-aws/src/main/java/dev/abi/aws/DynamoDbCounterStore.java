package dev.abi.aws;

import dev.abi.gateway.ratelimit.CounterStore;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Rate-limit counters in DynamoDB, shared by every instance: counters are atomic {@code ADD} updates; token buckets
 * are conditional puts on a version attribute. Items live in the metadata table ({@code pk = rl#...}) and carry the
 * {@code ttl} attribute (epoch seconds), so DynamoDB's TTL removes them; {@code expiresAt} is checked on read because
 * TTL deletes lazily. Reads are strongly consistent.
 */
public final class DynamoDbCounterStore implements CounterStore {

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoDbCounterStore(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    private static Map<String, AttributeValue> key(String key) {
        return Map.of("pk", AttributeValue.fromS(key));
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    @Override
    public long add(String key, long delta, long expiresAtMillis) {
        long now = clock.millis();
        try {
            // a live counter: add to it
            return Long.parseLong(dynamo.updateItem(b -> b.tableName(table)
                            .key(key(key))
                            .updateExpression("ADD #v :d")
                            .conditionExpression("attribute_exists(pk) AND #e > :now")
                            .expressionAttributeNames(Map.of("#v", "v", "#e", "expiresAt"))
                            .expressionAttributeValues(Map.of(":d", n(delta), ":now", n(now)))
                            .returnValues(ReturnValue.UPDATED_NEW))
                    .attributes()
                    .get("v")
                    .n());
        } catch (ConditionalCheckFailedException absentOrExpired) {
            try {
                // absent or expired: start it, unless another instance just did
                dynamo.putItem(b -> b.tableName(table)
                        .item(Map.of(
                                "pk",
                                AttributeValue.fromS(key),
                                "v",
                                n(delta),
                                "expiresAt",
                                n(expiresAtMillis),
                                "ttl",
                                n(expiresAtMillis / 1000 + 1)))
                        .conditionExpression("attribute_not_exists(pk) OR expiresAt <= :now")
                        .expressionAttributeValues(Map.of(":now", n(now))));
                return delta;
            } catch (ConditionalCheckFailedException raced) {
                return add(key, delta, expiresAtMillis);
            }
        }
    }

    private Optional<Map<String, AttributeValue>> live(String key) {
        GetItemResponse r = dynamo.getItem(b -> b.tableName(table).key(key(key)).consistentRead(true));
        if (!r.hasItem() || r.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = r.item();
        if (Long.parseLong(item.get("expiresAt").n()) <= clock.millis()) {
            return Optional.empty();
        }
        return Optional.of(item);
    }

    @Override
    public long get(String key) {
        return live(key)
                .map(i -> i.containsKey("v") ? Long.parseLong(i.get("v").n()) : 0L)
                .orElse(0L);
    }

    @Override
    public Optional<Bucket> bucket(String key) {
        return live(key)
                .filter(i -> i.containsKey("tokens"))
                .map(i -> new Bucket(
                        Double.parseDouble(i.get("tokens").n()),
                        Long.parseLong(i.get("updatedAt").n()),
                        Long.parseLong(i.get("ver").n())));
    }

    @Override
    public boolean putBucket(
            String key, double tokens, long updatedAtMillis, long expectedVersion, long expiresAtMillis) {
        Map<String, AttributeValue> item = Map.of(
                "pk",
                AttributeValue.fromS(key),
                "tokens",
                AttributeValue.fromN(Double.toString(tokens)),
                "updatedAt",
                n(updatedAtMillis),
                "ver",
                n(expectedVersion + 1),
                "expiresAt",
                n(expiresAtMillis),
                "ttl",
                n(expiresAtMillis / 1000 + 1));
        try {
            if (expectedVersion < 0) {
                dynamo.putItem(b -> b.tableName(table)
                        .item(item)
                        .conditionExpression("attribute_not_exists(pk) OR expiresAt <= :now")
                        .expressionAttributeValues(Map.of(":now", n(clock.millis()))));
            } else {
                dynamo.putItem(b -> b.tableName(table)
                        .item(item)
                        .conditionExpression("ver = :expected")
                        .expressionAttributeValues(Map.of(":expected", n(expectedVersion))));
            }
            return true;
        } catch (ConditionalCheckFailedException raced) {
            return false;
        }
    }
}
