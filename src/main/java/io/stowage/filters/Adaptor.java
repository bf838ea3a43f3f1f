package io.stowage.filters;
import java.util.*;
public interface Adaptor { Optional<String> field(List<String> p); }
