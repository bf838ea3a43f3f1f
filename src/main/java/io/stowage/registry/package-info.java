/**
 * The OCI Distribution API (distribution-spec 1.1, the registry {@code /v2/} protocol) over a content store:
 * {@link io.stowage.registry.RegistryRoutes} serves pulls, pushes, tag listing and the referrers API, so that
 * standard clients (skopeo, containerd, docker, podman) read and write ordinary store content. Blob bytes and
 * manifest documents live in the {@link io.stowage.content.ContentStore}; which repository links which blob or
 * manifest, tags, referrer links and upload sessions live in the {@link io.stowage.metadata.MetadataDb}. Every
 * upload session is an ingest of the store. With {@link io.stowage.registry.MirrorRoute}s it is a pull-through
 * mirror: what a covered repository lacks is fetched from the upstream once and followed by every client while it
 * arrives. Nothing here accepts or returns null unless its javadoc says so.
 */
package io.stowage.registry;
