package io.stowage.registry;

import io.stowage.content.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * A multi-layer linux/amd64 OCI image written as an {@code oci:} layout directory, for the real-client tests:
 * real gzip-compressed tar layers of random files (so containerd can unpack them), a config whose
 * {@code rootfs.diff_ids} are the uncompressed tar digests, the manifest, {@code index.json} naming it by tag,
 * and {@code oci-layout}.
 *
 * @param manifest      the manifest bytes as written
 * @param manifestDigest their digest
 * @param blobs          config and layers by digest, as written
 */
record OciLayout(Path dir, byte[] manifest, Digest manifestDigest, Map<Digest, byte[]> blobs) {
    static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

    /** Writes an image of {@code layerSizes.length} layers (one file of that many random bytes each, plus a small one). */
    static OciLayout write(Path dir, String tag, long seed, int... layerSizes) {
        try {
            Random rnd = new Random(seed);
            Map<Digest, byte[]> blobs = new LinkedHashMap<>();
            List<Map<String, Object>> layers = new ArrayList<>();
            List<String> diffIds = new ArrayList<>();
            for (int i = 0; i < layerSizes.length; i++) {
                byte[] content = new byte[layerSizes[i]];
                rnd.nextBytes(content);
                byte[] tar = tar(Map.of("data/layer" + i + ".bin", content,
                        "etc/layer" + i + ".txt", ("layer " + i + "\n").getBytes(StandardCharsets.UTF_8)));
                diffIds.add(Digest.sha256(tar).toString());
                byte[] gz = gzip(tar);
                Digest d = Digest.sha256(gz);
                blobs.put(d, gz);
                layers.add(RegistryTestBase.descriptor(LAYER_TYPE, d, gz.length));
            }
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("created", "2024-01-01T00:00:00Z");
            config.put("architecture", "amd64");
            config.put("os", "linux");
            config.put("config", Map.of("Env", List.of("PATH=/usr/bin:/bin"), "Cmd", List.of("/bin/sh")));
            config.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
            byte[] configBytes = RegistryJson.toBytes(config);
            Digest configDigest = Digest.sha256(configBytes);
            blobs.put(configDigest, configBytes);

            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
            manifest.put("config", RegistryTestBase.descriptor(CONFIG_TYPE, configDigest, configBytes.length));
            manifest.put("layers", layers);
            manifest.put("annotations", Map.of("org.opencontainers.image.title", "stowage test image"));
            byte[] manifestBytes = RegistryJson.toBytes(manifest);
            Digest manifestDigest = Digest.sha256(manifestBytes);

            Path blobDir = dir.resolve("blobs").resolve("sha256");
            Files.createDirectories(blobDir);
            for (Map.Entry<Digest, byte[]> b : blobs.entrySet()) {
                Files.write(blobDir.resolve(b.getKey().hex()), b.getValue());
            }
            Files.write(blobDir.resolve(manifestDigest.hex()), manifestBytes);
            Map<String, Object> entry = new LinkedHashMap<>(
                    RegistryTestBase.descriptor(MediaTypes.OCI_MANIFEST, manifestDigest, manifestBytes.length));
            entry.put("annotations", Map.of("org.opencontainers.image.ref.name", tag));
            entry.put("platform", Map.of("architecture", "amd64", "os", "linux"));
            Files.write(dir.resolve("index.json"), RegistryJson.toBytes(Map.of("schemaVersion", 2,
                    "mediaType", MediaTypes.OCI_INDEX, "manifests", List.of(entry))));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            return new OciLayout(dir, manifestBytes, manifestDigest, blobs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of a blob of a layout directory (written by anyone). */
    static byte[] readBlob(Path dir, Digest d) {
        try {
            return Files.readAllBytes(dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifest digest that a layout's index.json names with {@code tag}. */
    static Digest taggedManifest(Path dir, String tag) {
        try {
            var index = RegistryJson.mapper().readTree(dir.resolve("index.json").toFile());
            for (var m : index.path("manifests")) {
                if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                    return Digest.parse(m.path("digest").asText());
                }
            }
            throw new AssertionError("no manifest tagged " + tag + " in " + index);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** A ustar archive of regular files (mode 0644, owner 0:0, mtime 0), in name order. */
    static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : files.keySet().stream().sorted().toList()) {
            byte[] data = files.get(name);
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, "0000644");
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", data.length));
            put(h, 136, String.format("%011o", 0));
            for (int i = 148; i < 156; i++) {
                h[i] = ' ';
            }
            h[156] = '0';
            put(h, 257, "ustar");
            put(h, 263, "00");
            put(h, 265, "root");
            put(h, 297, "root");
            int sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            h[155] = ' ';
            out.write(h);
            out.write(data);
            out.write(new byte[(512 - data.length % 512) % 512]);
        }
        out.write(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }
}
