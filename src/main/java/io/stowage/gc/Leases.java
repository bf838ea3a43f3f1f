package io.stowage.gc;

import io.stowage.metadata.MetadataDb;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Leases, containerd style. A client that is about to reference content (a pull writing layers before the
 * manifest that names them, a push linking a blob that already exists) first adds it to a lease, and only then
 * checks that it exists or writes it; the collector treats the resources of live leases as roots and re-checks
 * them right before each deletion, so the content cannot vanish between the check and the reference.
 * Thread-safe; every call runs on the metadata database thread.
 */
public interface Leases {
    /** Leases kept in {@code db} (tables {@code leases} and {@code lease_resources}, created when missing). */
    static Leases open(MetadataDb db) {
        return SqliteLeases.open(db);
    }

    /**
     * Creates a lease. {@code id} null picks a random one; {@code ttl} null never expires.
     * Fails with ALREADY_EXISTS when the id is taken.
     */
    Mono<Lease> create(String id, Map<String, String> labels, Duration ttl);

    /** Deletes a lease and its resources; NOT_FOUND when there is none. */
    Mono<Void> delete(String id);

    /** Every lease, expired or not, by id. */
    Flux<Lease> list();

    /** Adds a resource to a lease (idempotent); NOT_FOUND when there is no such lease. */
    Mono<Void> addResource(String leaseId, LeaseResource resource);

    /** Removes a resource from a lease (idempotent). */
    Mono<Void> deleteResource(String leaseId, LeaseResource resource);

    /** The resources of a lease. */
    Flux<LeaseResource> resources(String leaseId);

    /**
     * Runs {@code body} under a temporary lease (created with {@code ttl} as a safety net against a crash), deleted
     * when the body completes, fails or is cancelled.
     */
    default <T> Flux<T> withLease(Duration ttl, Function<Lease, Publisher<T>> body) {
        return Flux.usingWhen(create(null, Map.of("stowage.io/temporary", "true"), ttl), body,
                l -> delete(l.id()).onErrorResume(e -> Mono.empty()));
    }
}
