/**
 * The registrations of stowage's own subsystems as {@link io.stowage.plugin.Plugin}s, listed in
 * {@code META-INF/services/io.stowage.plugin.Plugin}: {@code content/local} (the local store),
 * {@code service/content} (the content API routes), {@code images/sqlite} (the image store in the metadata
 * database), {@code service/images} ({@code /v1/images}) and {@code service/plugins} ({@code GET /v1/plugins}).
 * Each is a few lines binding its config section and dependencies to the factory of the code it registers, which
 * knows nothing of plugins. Nothing here accepts or returns null unless its javadoc says so.
 */
package io.stowage.plugin.builtin;
