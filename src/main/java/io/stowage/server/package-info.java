/**
 * The HTTP/WebSocket face of stowage, on Reactor Netty and non-blocking end to end: {@link
 * io.stowage.server.StowageServer} binds a server from {@link io.stowage.server.RouteProvider}s, {@link
 * io.stowage.server.ContentRoutes} serves the {@code /v1/content} and {@code /v1/ingests} API over any
 * {@link io.stowage.content.ContentStore}, {@link io.stowage.server.ErrorMapping} is the one table from error
 * codes to HTTP statuses and JSON error bodies, and {@link io.stowage.server.ContentJson} the JSON wire form of
 * Info, Status and Digest. Handlers never block an event-loop thread: store calls are reactive and the little
 * file work done here (opening a blob for zero-copy sending) runs on a bounded scheduler. Nothing here accepts or
 * returns null unless its javadoc says so.
 */
package io.stowage.server;
