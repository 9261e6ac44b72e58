/**
 * Rate limits per principal and route: policies, the limiter (fixed window, sliding window, token bucket) and the
 * counter store SPI with its in-memory backend (DynamoDB lives in adapters-aws).
 */
package dev.abi.gateway.ratelimit;
