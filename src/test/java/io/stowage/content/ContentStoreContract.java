package io.stowage.content;

/**
 * The contract every {@link ContentStore} keeps, written once and run against each implementation (the local
 * store, the remote client): containerd's content test suite and what this project adds to it. A test class
 * implements this interface and {@link #openStore}; each test gets a fresh root directory and its stores are
 * closed and the root deleted afterwards (see {@link StoreFixture}).
 *
 * <p>The contract is split by subject:
 * <ul>
 *   <li>{@link IngestContract}: writers with and without predeclared size and digest, status and digest after each
 *       partial write, 256 B and 32 MiB blobs, reads past the end, info, delete, 64 concurrent ingests;</li>
 *   <li>{@link CommitContract}: commit of existing content, the commit error states, unchecked and declared
 *       checks, the writer after commit;</li>
 *   <li>{@link ResumeContract}: resume by truncating, continuing and {@link Ingests#writeBlob}, a different
 *       total, a restart of the store;</li>
 *   <li>{@link LockContract}: one writer per ref, {@link Ingests#openWriter}, abort;</li>
 *   <li>{@link WaitContract}: a writer that waits for a locked ref up to a deadline, woken by the release;</li>
 *   <li>{@link ResetContract}: reset at offset 0, also racing an in-flight stream, wrong offsets;</li>
 *   <li>{@link LabelsContract} and {@link FilterContract}: labels and filters.</li>
 * </ul>
 *
 * <p>Every expectation is computed by the test itself (digests with {@link java.security.MessageDigest} of the
 * bytes it wrote, sizes, timestamp order); nothing waits on a clock.
 */
public interface ContentStoreContract
        extends IngestContract, CommitContract, ResumeContract, LockContract, WaitContract, ResetContract, LabelsContract,
        FilterContract {
}
