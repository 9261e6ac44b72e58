/**
 * One class per Lambda trigger behind LambdaTrigger: API Gateway HTTP and REST APIs, S3 notifications, EventBridge
 * and SQS. Each only decodes its event into an HttpRequest or a canonical object event, calls core, and encodes
 * the reply (partial batch failures for SQS).
 */
package dev.abi.aws.triggers;
