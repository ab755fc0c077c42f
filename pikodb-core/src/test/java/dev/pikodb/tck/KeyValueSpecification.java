package dev.pikodb.tck;

import java.util.HashMap;
import java.util.Map;

/**
 * The sequential specification of one table, as the API describes it: the behaviour every engine's
 * concurrent executions must be explainable by (linearizability). It has the operations of
 * {@link LinearizabilityScenario}, with the same names, parameters and results, and keeps its state
 * in a plain map:
 * <ul>
 * <li>a write returns version 1 for a key that is missing or expired, the live version + 1
 * otherwise, and makes the table exist;</li>
 * <li>{@code compareAndWrite} succeeds only when the live version equals the expected one (0 for
 * a missing or expired key), and then writes like {@code write};</li>
 * <li>{@code delete} answers whether a live record was removed; {@code deleteTable} whether the
 * table existed, and removes every record;</li>
 * <li>a record written with an expiration is live while the clock is at or before it; time moves
 * only by {@code passTime}, one step past the expiration the scenario writes.</li>
 * </ul>
 */
public final class KeyValueSpecification {

    /** The clock's time when a scenario starts. */
    public static final long T0 = 1_732_400_000_000L;

    /** The expiration that {@code writeExpiring} sets: live at {@link #T0}, expired after {@code passTime}. */
    public static final long EXPIRES_AT = T0 + 1;

    /** The clock's time after {@code passTime}. */
    public static final long LATER = T0 + 2;

    private record StoredRecord(int value, long version, Long expiration) {
    }

    private final Map<String, StoredRecord> records = new HashMap<>();
    private boolean tableExists;
    private long now = T0;

    /** What a read of one record returns in a scenario: value, version and expiration, or "absent". */
    static String describe(Object value, long version, Long expiration) {
        return value + "@v" + version + (expiration == null ? "" : " until " + expiration);
    }

    static final String ABSENT = "absent";

    private StoredRecord live(String key) {
        StoredRecord record = records.get(key);
        if (record != null && record.expiration() != null && now > record.expiration()) {
            records.remove(key);
            return null;
        }
        return record;
    }

    private long put(String key, int value, Long expiration) {
        StoredRecord current = live(key);
        long version = current == null ? 1 : current.version() + 1;
        records.put(key, new StoredRecord(value, version, expiration));
        tableExists = true;
        return version;
    }

    public long write(int key, int value) {
        return put(LinearizabilityScenario.key(key), value, null);
    }

    public long writeExpiring(int key, int value) {
        return put(LinearizabilityScenario.key(key), value, EXPIRES_AT);
    }

    public boolean compareAndWrite(int key, int expectedVersion, int value) {
        StoredRecord current = live(LinearizabilityScenario.key(key));
        if ((current == null ? 0 : current.version()) != expectedVersion) {
            return false;
        }
        put(LinearizabilityScenario.key(key), value, null);
        return true;
    }

    public boolean delete(int key) {
        return live(LinearizabilityScenario.key(key)) != null && records.remove(LinearizabilityScenario.key(key)) != null;
    }

    public Object get(int key) {
        StoredRecord record = live(LinearizabilityScenario.key(key));
        return record == null ? null : record.value();
    }

    public String getRecord(int key) {
        StoredRecord record = live(LinearizabilityScenario.key(key));
        return record == null ? ABSENT : describe(record.value(), record.version(), record.expiration());
    }

    public int getTableSize() {
        int size = 0;
        for (String key : Map.copyOf(records).keySet()) {
            if (live(key) != null) {
                size++;
            }
        }
        return size;
    }

    public boolean deleteTable() {
        boolean existed = tableExists;
        records.clear();
        tableExists = false;
        return existed;
    }

    public void passTime() {
        now = LATER;
    }
}
