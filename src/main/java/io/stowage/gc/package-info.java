/**
 * Garbage collection of a local content store, online: {@link io.stowage.gc.GarbageCollector} marks what images,
 * registry tags, manifests and blob links, {@code containerd.io/gc.root} labels and live {@link io.stowage.gc.Lease
 * leases} reach (following {@code containerd.io/gc.ref.content.*} labels and the references inside manifests and
 * indexes) and sweeps the rest, while reads and writes go on; it also aborts ingests left untouched too long.
 * {@link io.stowage.gc.Leases} keep content and ingests that a client is about to reference out of the sweep.
 * Nothing here accepts or returns null unless its javadoc says so.
 */
package io.stowage.gc;
