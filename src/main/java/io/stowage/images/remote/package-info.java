/**
 * The image API of a stowage server ({@code /v1/images}) as an {@link io.stowage.images.ImageStore} client.
 * Nothing here accepts or returns null unless its javadoc says so.
 */
package io.stowage.images.remote;
