package dev.pikodb.spring.cache;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes a missing cache entry once among every instance that shares the store, with a lease record
 * in the cache's table.
 *
 * <p><b>Lease.</b> The lease of the entry {@code k} is the record {@code #lease:k} (or
 * {@code #lease#sha256:<hex of k>} when {@code k} is too long): {@code {"holder": <id>, "until": <epoch
 * ms>}}, written with the store's expiration at {@code until}. Cache keys starting with {@code #} are
 * always hashed to {@code #sha256:...} (see {@link CacheKeys}), so a lease never meets an entry. A caller
 * takes the lease with {@code compareAndWrite(version 0)}, which succeeds only when no live lease
 * exists: one caller among all instances wins. A lease whose {@code until} has passed by the caller's
 * clock is taken over with {@code compareAndWrite} of the version read, so a holder that died holds
 * the key at most one lease.
 *
 * <p><b>Waiting.</b> A caller that finds the lease held reads the entry again after 1, 2, 4, ... ms,
 * at most {@value #MAX_PAUSE_MILLIS} ms apart, and takes the lease itself once it is released or has
 * expired. It waits at most twice the lease in all (by the cache's clock), then computes the value
 * without a lease.
 *
 * <p><b>Directory engine.</b> A directory is open in one process only, whose callers the cache already
 * serialises per key: no lease is taken there, so a computed entry costs one write, as before.
 *
 * <p><b>One value.</b> The holder stores its value with {@code compareAndWrite(version 0)}: if another
 * caller stored one first (after taking over an expired lease, or with a put), the holder returns that
 * value instead of its own, so every caller gets the same value.
 */
final class LoadLeases {

    private static final Logger logger = LoggerFactory.getLogger(LoadLeases.class);

    static final String LEASE_PREFIX = "#lease:";

    private static final String HASHED_LEASE_PREFIX = "#lease#sha256:";

    private static final int MAX_KEY_LENGTH = 1024;

    static final long MAX_PAUSE_MILLIS = 50;

    private static final String HOLDER = "holder";

    private static final String UNTIL = "until";

    private final String cacheName;

    private final String table;

    private final PikoDB pikoDB;

    private final Clock clock;

    private final long leaseMillis;

    /** Whether other processes may share the store: any engine but the directory, which one process locks. */
    private final boolean shared;

    private final LongAdder waits = new LongAdder();

    LoadLeases(String cacheName, String table, PikoDB pikoDB, Clock clock, Duration lease) {
        this.cacheName = cacheName;
        this.table = table;
        this.pikoDB = pikoDB;
        this.clock = clock;
        this.leaseMillis = lease.toMillis();
        this.shared = pikoDB.databaseDirectory() == null;
    }

    /**
     * The entry of {@code storeKey}, computed by {@code load} unless another instance computes it.
     *
     * @param storeKey the entry's key in the table
     * @param read reads the entry: its store value, or {@code null} when missing
     * @param load computes and stores the value, returning the store value that callers get
     * @return the store value
     * @throws InterruptedException when interrupted while waiting for another instance
     */
    Object computeOnce(String storeKey, Supplier<Object> read, Supplier<Object> load) throws InterruptedException {
        if (!shared) {
            return load.get();
        }
        String leaseKey = leaseKey(storeKey);
        long giveUpAt = clock.millis() + 2 * leaseMillis;
        long pause = 1;
        boolean counted = false;
        while (true) {
            String holder = tryAcquire(leaseKey);
            if (holder != null) {
                try {
                    Object stored = read.get();
                    return (stored != null) ? stored : load.get();
                }
                finally {
                    release(leaseKey, holder);
                }
            }
            if (!counted) {
                counted = true;
                waits.increment();
            }
            TimeUnit.MILLISECONDS.sleep(pause);
            pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
            Object stored = read.get();
            if (stored != null) {
                return stored;
            }
            if (clock.millis() > giveUpAt) {
                logger.warn("Cache '{}': key '{}' is still being computed by another instance after {} ms (twice"
                        + " the load lease); computing it here too", cacheName, storeKey, 2 * leaseMillis);
                return load.get();
            }
        }
    }

    /**
     * How many computations waited for another instance's.
     *
     * @return the count since the cache was created
     */
    long waits() {
        return waits.sum();
    }

    /** Takes the lease; returns the holder id, or null when another caller holds a live lease. */
    private String tryAcquire(String leaseKey) {
        String holder = UUID.randomUUID().toString();
        long until = clock.millis() + leaseMillis;
        Map<String, Object> lease = Map.of(HOLDER, holder, UNTIL, until);
        if (pikoDB.compareAndWrite(table, leaseKey, 0, lease, until)) {
            return holder;
        }
        Optional<DatabaseRecord> current = pikoDB.getRecord(table, leaseKey);
        if (current.isEmpty()) {
            // released or expired just now
            return pikoDB.compareAndWrite(table, leaseKey, 0, lease, until) ? holder : null;
        }
        Long currentUntil = untilOf(current.get());
        if (currentUntil == null || currentUntil < clock.millis()) {
            // ran out by this instance's clock (the store's may lag): take it over
            return pikoDB.compareAndWrite(table, leaseKey, current.get().version(), lease, until) ? holder : null;
        }
        return null;
    }

    private void release(String leaseKey, String holder) {
        try {
            Optional<DatabaseRecord> current = pikoDB.getRecord(table, leaseKey);
            Long until = current.map(LoadLeases::untilOf).orElse(null);
            // Past its end the lease may already be another caller's: leave it to expire.
            if (until != null && until > clock.millis() && current.get().value() instanceof Map<?, ?> lease
                    && holder.equals(lease.get(HOLDER))) {
                pikoDB.delete(table, leaseKey);
            }
        }
        catch (RuntimeException ex) {
            // the lease expires by itself
            logger.debug("Cache '{}': could not release the lease '{}'", cacheName, leaseKey, ex);
        }
    }

    private static Long untilOf(DatabaseRecord record) {
        return (record.value() instanceof Map<?, ?> lease && lease.get(UNTIL) instanceof Number until)
                ? until.longValue() : null;
    }

    static String leaseKey(String storeKey) {
        if (LEASE_PREFIX.length() + storeKey.length() <= MAX_KEY_LENGTH) {
            return LEASE_PREFIX + storeKey;
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HASHED_LEASE_PREFIX
                    + HexFormat.of().formatHex(digest.digest(storeKey.getBytes(StandardCharsets.UTF_16BE)));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", ex);
        }
    }
}
