package io.stowage.transfer;

import io.stowage.content.ContentException;
import java.util.Locale;

/**
 * An OCI platform, {@code os/architecture[/variant]}, normalised as containerd does ({@code x86_64} is
 * {@code amd64}, {@code aarch64} is {@code arm64}, whose variant {@code v8} is the default; {@code arm} defaults to
 * {@code v7}). Immutable.
 *
 * @param os e.g. {@code linux}
 * @param architecture e.g. {@code amd64}
 * @param variant e.g. {@code v7}, or empty
 */
public record Platform(String os, String architecture, String variant) {
    public Platform {
        os = normaliseOs(os);
        architecture = normaliseArch(architecture);
        variant = normaliseVariant(architecture, variant == null ? "" : variant.toLowerCase(Locale.ROOT));
        if (os.isEmpty() || architecture.isEmpty()) {
            throw ContentException.invalidArgument("platform: os and architecture are required");
        }
    }

    /** Parses {@code os/arch[/variant]}; INVALID_ARGUMENT otherwise. */
    public static Platform parse(String s) {
        String[] parts = s == null ? new String[0] : s.split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw ContentException.invalidArgument("platform " + s + ": expected os/arch[/variant]");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
    }

    /** The platform of this JVM's machine. */
    public static Platform current() {
        return new Platform(System.getProperty("os.name"), System.getProperty("os.arch"), "");
    }

    /**
     * True when an image for {@code other} runs here: same os and architecture, and the same variant (an empty
     * variant on either side matches the architecture's default).
     */
    public boolean matches(Platform other) {
        return os.equals(other.os) && architecture.equals(other.architecture) && variant.equals(other.variant);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }

    private static String normaliseOs(String os) {
        String o = os == null ? "" : os.toLowerCase(Locale.ROOT);
        if (o.startsWith("mac") || o.equals("darwin")) {
            return "darwin";
        }
        if (o.startsWith("windows")) {
            return "windows";
        }
        return o;
    }

    private static String normaliseArch(String arch) {
        String a = arch == null ? "" : arch.toLowerCase(Locale.ROOT);
        return switch (a) {
            case "x86_64", "x86-64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "i386", "i486", "i586", "i686", "x86", "386" -> "386";
            case "armhf", "armel", "arm" -> "arm";
            default -> a;
        };
    }

    private static String normaliseVariant(String arch, String variant) {
        if (arch.equals("arm64") && (variant.equals("v8") || variant.equals("8"))) {
            return "";
        }
        if (arch.equals("arm") && variant.isEmpty()) {
            return "v7";
        }
        if (arch.equals("arm") && variant.matches("[5-8]")) {
            return "v" + variant;
        }
        return variant;
    }
}
