package io.stowage.auth;

import java.util.Locale;

/** What a principal may do: nothing, read, or read and write. Ordered from least to most. */
public enum Access {
    NONE("none"),
    READ("read"),
    READ_WRITE("read-write");

    private final String configName;

    Access(String configName) {
        this.configName = configName;
    }

    /** The name used in the config file, e.g. {@code read-write}. */
    public String configName() {
        return configName;
    }

    /** True when this access allows a request that reads ({@code write} false) or writes. */
    public boolean allows(boolean write) {
        return write ? this == READ_WRITE : this != NONE;
    }

    /** The access named {@code name} in a config file; IllegalArgumentException for anything else. */
    public static Access parse(String name) {
        for (Access a : values()) {
            if (a.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not an access (none, read, read-write)");
    }
}
