package dev.pikodb.spring.cache;

/**
 * Counters of one {@link PikoDBCache} since it was created in this JVM (they are not persisted).
 *
 * @param hits lookups that found a live entry
 * @param misses lookups that found nothing (or an expired or unreadable entry)
 * @param puts entries written, by {@code put}, a successful {@code putIfAbsent} or a computed
 *     {@code get(key, Callable)}
 * @param evictions entries removed by {@code evict}/{@code evictIfPresent} (a {@code clear} is not
 *     counted)
 * @param loadWaits calls of {@code get(key, Callable)} that found the value being computed by another
 *     instance sharing the store, and waited for it
 */
public record PikoDBCacheStatistics(long hits, long misses, long puts, long evictions, long loadWaits) {
}
