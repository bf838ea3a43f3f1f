/**
 * Authentication and authorization of the server (see {@code docs/security.md}): principals from the config's
 * {@code auth:} section ({@link io.stowage.auth.AuthConfig}), authenticated by static bearer tokens, by basic auth
 * against bcrypt hashes (verified off the event loop, successes cached briefly) or by the signed, expiring tokens
 * of the registry token endpoint; each with {@code read} or {@code read-write} access, globally for the content
 * API and per repository prefix for the registry API. {@link io.stowage.auth.AuthFilter} applies it in front of
 * every route. Nothing here is null unless documented.
 */
package io.stowage.auth;
