/**
 * containerd's filter syntax ({@code labels."k"==v,size==3}) over any object through an {@link
 * io.stowage.filters.Adaptor}: used by {@code walk} and {@code listStatuses} of every store. Nothing here accepts or
 * returns null unless documented.
 */
package io.stowage.filters;
