package io.stowage.filters;
import java.util.List;
public final class Filters { public static Filter parse(List<String> f) { return a -> true; } }
