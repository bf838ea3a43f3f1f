package io.stowage.filters;
public interface Filter { boolean matches(Adaptor a); }
