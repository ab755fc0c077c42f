package dev.pikodb.benchmarks;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.OperationObserver;
import dev.pikodb.PikoDB;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import tools.jackson.databind.json.JsonMapper;

/**
 * Deterministic test data: keys and {@link UserProfile} values, the same for every store, plus the
 * one {@link JsonMapper} that PikoDB and the peers share.
 */
public final class Profiles {

    /** The mapper used by every store, so each pays the same serialisation cost. */
    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * Starts a PikoDB over {@code directory} that maps values with {@link #MAPPER}, as every workload
     * opens it.
     *
     * @param directory the database directory
     * @param durable whether writes are durable
     * @return the started database
     */
    public static PikoDB startPikoDB(Path directory, boolean durable) {
        return startPikoDB(directory, durable, null);
    }

    /**
     * Starts a PikoDB as {@link #startPikoDB(Path, boolean)} does, with an operation observer.
     *
     * @param directory the database directory
     * @param durable whether writes wait for fsync
     * @param observer the observer, or {@code null} for none
     * @return the started database
     */
    public static PikoDB startPikoDB(Path directory, boolean durable, OperationObserver observer) {
        PikoDB db = new PikoDB(DatabaseOptions.builder()
                .databaseDirectory(directory)
                .durableWrites(durable)
                .jsonMapper(MAPPER)
                .observer(observer)
                .build());
        db.start();
        return db;
    }

    private static final String[] FIRST = {"Alice", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Grace", "Hiro"};
    private static final String[] LAST = {"Johnson", "Okafor", "Rossi", "Ivanova", "Nakamura", "Schmidt", "Silva"};
    private static final String[] CITY = {"Amsterdam", "Lisbon", "Toronto", "Nairobi", "Osaka", "Valparaiso"};
    private static final String[] TAG = {"admin", "beta", "newsletter", "premium", "mobile", "support", "trial"};

    /** Number of distinct values cycled through by writers (built up front, outside any timing). */
    private static final int POOL_SIZE = 1024;

    private final UserProfile[] pool = new UserProfile[POOL_SIZE];

    /** Builds the value pool from a fixed seed. */
    public Profiles() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < POOL_SIZE; i++) {
            pool[i] = create(i, random);
        }
    }

    /**
     * The key of the {@code index}-th record of a table.
     *
     * @param index the record number
     * @return a key such as {@code user-0000042}
     */
    public static String key(int index) {
        return String.format(Locale.ROOT, "user-%07d", index);
    }

    /**
     * A value to write; consecutive calls with consecutive numbers return different values.
     *
     * @param n any number, e.g. the write's sequence number
     * @return a profile from the pool
     */
    public UserProfile value(int n) {
        return pool[Math.floorMod(n, POOL_SIZE)];
    }

    private static UserProfile create(int i, SplittableRandom random) {
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        int tagCount = 1 + random.nextInt(3);
        String[] tags = new String[tagCount];
        for (int t = 0; t < tagCount; t++) {
            tags[t] = TAG[random.nextInt(TAG.length)];
        }
        return new UserProfile(key(i), first + " " + last,
                first.toLowerCase(Locale.ROOT) + "." + last.toLowerCase(Locale.ROOT) + i + "@example.com",
                18 + random.nextInt(70), CITY[random.nextInt(CITY.length)], List.of(tags), random.nextBoolean());
    }
}
