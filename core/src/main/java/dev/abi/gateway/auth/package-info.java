/**
 * Authentication and authorisation: API keys stored as salted hashes, JWT verification on nimbus-jose-jwt (static
 * keys, JWKS files and remote JWKS with caching), principals, grants and roles.
 */
package dev.abi.gateway.auth;
