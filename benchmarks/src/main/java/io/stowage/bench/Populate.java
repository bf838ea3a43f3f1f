package io.stowage.bench;

import io.stowage.content.Digest;
import io.stowage.content.local.LocalContentStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Fills a store root with distinct small blobs through the store's own API (ingest, commit with a label, so every
 * blob has its metadata row), for the listing benchmark ({@code benchmarks/list_memory.sh}).
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar io.stowage.bench.Populate ROOT COUNT [SIZE=512] [CONCURRENCY=8]
 * </pre>
 *
 * Prints one line: {@code POPULATE blobs=.. seconds=..}.
 */
public final class Populate {
    private Populate() {
    }

    public static void main(String[] args) {
        Path root = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        long start = System.nanoTime();
        LocalContentStore store = LocalContentStore.open(root);
        try {
            long made = Flux.range(0, count)
                    .flatMap(i -> {
                        byte[] b = new byte[size];
                        ThreadLocalRandom.current().nextBytes(b);
                        Digest d = Digest.sha256(b);
                        return store.writer("populate-" + i, size, d)
                                .flatMap(w -> w.write(Mono.just(ByteBuffer.wrap(b)))
                                        .then(w.commit(size, d, Map.of("bench", "list"))));
                    }, concurrency)
                    .count()
                    .block();
            System.out.printf("POPULATE blobs=%d seconds=%.1f%n", made, (System.nanoTime() - start) / 1e9);
        } finally {
            store.close();
        }
    }
}
