/**
 * Image transfer between OCI registries and any {@link io.stowage.content.ContentStore}: {@link
 * io.stowage.transfer.Puller} and {@link io.stowage.transfer.Pusher}, reference parsing ({@link
 * io.stowage.transfer.Reference}), registry authentication (anonymous, Basic, bearer tokens from
 * {@code WWW-Authenticate}; {@link io.stowage.transfer.Credentials}), and progress ({@link
 * io.stowage.transfer.BlobEvent}, {@link io.stowage.transfer.TransferProgress}). Transfers are resumable (the store's
 * ingests hold what was fetched; HTTP ranges continue from there), bounded in concurrency and backpressured from the
 * socket to the store's writer; nothing here blocks. The registry protocol stays package-private
 * ({@code RegistryClient}, {@code BlobFetch}, {@code BlobUpload}). Nothing here accepts or returns null unless its
 * javadoc says so.
 */
package io.stowage.transfer;
