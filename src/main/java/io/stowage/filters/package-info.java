/**
 * containerd's filter syntax ({@code pkg/filters}) for selecting content and ingests: {@link
 * io.stowage.filters.Filters#parse} turns filter strings into a {@link io.stowage.filters.Filter}, which tests an
 * object seen through an {@link io.stowage.filters.Adaptor}; {@link io.stowage.filters.Adaptors} adapts the content
 * API's {@code Info} and {@code Status}. The grammar, the operators and their treatment of absent fields are
 * described on {@link io.stowage.filters.Filters}. Nothing here accepts or returns null unless its javadoc says so.
 */
package io.stowage.filters;
