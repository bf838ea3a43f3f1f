/**
 * The image store kept in the embedded metadata database ({@link io.stowage.metadata.MetadataDb}, table
 * {@code images}). Nothing here accepts or returns null unless its javadoc says so.
 */
package io.stowage.images.local;
