/**
 * The storage engine seam: what a {@link dev.pikodb.PikoDB} needs from the place its records live.
 *
 * <p>The facade ({@link dev.pikodb.PikoDB}) validates arguments, turns values into JSON and back,
 * applies dictionaries and enforces the lifecycle; an engine only stores records (the JSON bytes of a
 * value plus version, timestamp, expiration and dictionary name) and answers for versions,
 * expiration and atomicity. The directory engine is the default; {@code pikodb-redis} provides one
 * over Redis. Give an engine with {@link dev.pikodb.DatabaseOptions.Builder#storage(StorageEngine)}.
 */
package dev.pikodb.spi;
