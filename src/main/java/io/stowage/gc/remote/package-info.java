/**
 * The lease API of a stowage server ({@code /v1/leases}) as a {@link io.stowage.gc.Leases} client, so that a remote
 * pull protects what it writes from the server's garbage collection. Nothing here accepts or returns null unless
 * its javadoc says so.
 */
package io.stowage.gc.remote;
