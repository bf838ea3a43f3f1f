/**
 * The content store as a client of a stowage server: {@link io.stowage.content.remote.RemoteContentStore} keeps
 * the whole {@link io.stowage.content.ContentStore} contract over the HTTP and WebSocket API of issue 3 (the role
 * of containerd's {@code core/content/proxy}), so that embedding code can switch between a local and a remote
 * store by configuration. Plain requests share a pool of HTTP connections; each open writer holds one WebSocket
 * write session, and with it the ref's lock on the server. Wire errors become {@link
 * io.stowage.content.ContentException}s with the server's code, message and offset. Nothing here blocks.
 * Nothing here accepts or returns null unless its javadoc says so.
 */
package io.stowage.content.remote;
