/**
 * AWS Lambda packaging: the one handler (AbiLambdaHandler) that recognises a Lambda event and hands it to its
 * trigger, SnapStart priming, and the AWS backends of core's SPIs (S3ObjectStore, DynamoDbMetadataStore,
 * DynamoDbCounterStore) with their CDI factories. It may use core, functions and the AWS SDK v2; nothing here
 * holds business logic.
 */
package dev.abi.aws;
