package dev.abi.aws;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;

import software.amazon.awssdk.enhanced.dynamodb.extensions.VersionedRecordExtension;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

/**
 * The metadata table's item schemas, written out instead of derived from the bean annotations: no reflection or
 * generated lambdas at startup (a faster cold start and SnapStart restore), and nothing that depends on which class
 * loader sees the item classes (the bean-derived schema failed under Quarkus's test class loader with a
 * {@code NoClassDefFoundError}).
 */
final class MetadataSchemas {

    static final StaticTableSchema<LeaseItem> LEASE = StaticTableSchema.builder(LeaseItem.class)
            .newItemSupplier(LeaseItem::new)
            .addAttribute(
                    String.class,
                    a -> a.name("pk")
                            .getter(LeaseItem::getPk)
                            .setter(LeaseItem::setPk)
                            .tags(primaryPartitionKey()))
            .addAttribute(
                    String.class,
                    a -> a.name("owner").getter(LeaseItem::getOwner).setter(LeaseItem::setOwner))
            .addAttribute(
                    Long.class, a -> a.name("epoch").getter(LeaseItem::getEpoch).setter(LeaseItem::setEpoch))
            .addAttribute(
                    Long.class,
                    a -> a.name("expiresAt").getter(LeaseItem::getExpiresAt).setter(LeaseItem::setExpiresAt))
            .addAttribute(
                    Long.class,
                    a -> a.name("rev")
                            .getter(LeaseItem::getRev)
                            .setter(LeaseItem::setRev)
                            .tags(VersionedRecordExtension.AttributeTags.versionAttribute()))
            .build();

    static final StaticTableSchema<HeadHintItem> HEAD_HINT = StaticTableSchema.builder(HeadHintItem.class)
            .newItemSupplier(HeadHintItem::new)
            .addAttribute(
                    String.class,
                    a -> a.name("pk")
                            .getter(HeadHintItem::getPk)
                            .setter(HeadHintItem::setPk)
                            .tags(primaryPartitionKey()))
            .addAttribute(
                    Long.class, a -> a.name("seq").getter(HeadHintItem::getSeq).setter(HeadHintItem::setSeq))
            .build();

    static final StaticTableSchema<IdempotencyItem> IDEMPOTENCY = StaticTableSchema.builder(IdempotencyItem.class)
            .newItemSupplier(IdempotencyItem::new)
            .addAttribute(
                    String.class,
                    a -> a.name("pk")
                            .getter(IdempotencyItem::getPk)
                            .setter(IdempotencyItem::setPk)
                            .tags(primaryPartitionKey()))
            .addAttribute(
                    Long.class,
                    a -> a.name("expiresAt")
                            .getter(IdempotencyItem::getExpiresAt)
                            .setter(IdempotencyItem::setExpiresAt))
            .addAttribute(
                    String.class,
                    a -> a.name("result").getter(IdempotencyItem::getResult).setter(IdempotencyItem::setResult))
            .addAttribute(
                    Long.class,
                    a -> a.name("ttl").getter(IdempotencyItem::getTtl).setter(IdempotencyItem::setTtl))
            .build();

    private MetadataSchemas() {}
}
