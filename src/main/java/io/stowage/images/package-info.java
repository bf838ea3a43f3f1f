/**
 * The image API: an {@link io.stowage.images.Image} names a root {@link io.stowage.content.Descriptor} (a manifest
 * or an index) in a content store, as containerd's {@code images.Store} does, and an
 * {@link io.stowage.images.ImageStore} keeps those names. Like {@code io.stowage.content} it knows nothing of its
 * implementations (the database in {@code images.local}, the HTTP client in {@code images.remote}). Nothing here
 * accepts or returns null unless its javadoc says so.
 */
package io.stowage.images;
