/**
 * Persistent metadata (labels and timestamps of content; later tags, images and leases) in an embedded SQLite
 * database, always accessed off the caller's thread. Nothing here accepts or returns null unless documented.
 */
package io.stowage.metadata;
