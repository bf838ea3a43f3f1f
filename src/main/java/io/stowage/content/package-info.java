/**
 * The content API: a containerd-style content-addressable store as role interfaces ({@link
 * io.stowage.content.ContentStore} = Provider + ContentManager + IngestManager + Ingester), the {@link
 * io.stowage.content.Writer} of one ingest, immutable value types ({@link io.stowage.content.Digest}, Descriptor,
 * Info, Status) and one exception family with an {@link io.stowage.content.ErrorCode}. It knows nothing of files,
 * HTTP or databases and depends on reactor-core only. Nothing here accepts or returns null unless its javadoc
 * says so.
 */
package io.stowage.content;
