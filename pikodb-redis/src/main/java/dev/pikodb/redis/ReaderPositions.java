package dev.pikodb.redis;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one instance's change stream reader stands, kept in Redis so that the instance, restarted
 * with the same configured id, resumes there (see {@link ChangeStream}): one hash per instance under
 * the catalog's tag ({@link KeySpace#readerPositionsKey}), field {@code ""} the position in the stream
 * of listed tables, one field per followed table: {@code "<first generation> <id> <seq>"} and then
 * the id and sequence number of each of its other streams, in bucket order. At most
 * {@link ChangeStream#MAX_TABLES} + 1 fields; written at most once per round of the reader, only the
 * tables whose positions moved.
 */
final class ReaderPositions {

    /** One table's positions: its streams' last read entry ids and sequence numbers. */
    record Table(long fromGeneration, String[] ids, long[] seqs) {
    }

    /** What an earlier run of the instance left: the stream of listed tables' position, or null, and the tables. */
    record Saved(String tablesPosition, Map<String, Table> tables) {
    }

    private final byte[] key;
    private final Commands commands;

    ReaderPositions(byte[] key, Commands commands) {
        this.key = key;
        this.commands = commands;
    }

    /** The positions an earlier run saved; none (a null stream position) when there was none. */
    Saved load() {
        Map<byte[], byte[]> fields = commands.command(() -> commands.sync().hgetall(key));
        String tablesPosition = null;
        Map<String, Table> tables = new LinkedHashMap<>();
        for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
            String name = new String(field.getKey(), StandardCharsets.UTF_8);
            String value = new String(field.getValue(), StandardCharsets.UTF_8);
            if (name.isEmpty()) {
                tablesPosition = value;
            } else {
                Table table = decode(value);
                if (table != null) {
                    tables.put(name, table);
                }
            }
        }
        return new Saved(tablesPosition, tables);
    }

    /** Stores the position in the stream of listed tables and the given tables', and removes others'. */
    void save(String tablesPosition, Map<String, Table> tables, Collection<String> forgotten) {
        Map<byte[], byte[]> fields = new HashMap<>();
        fields.put(new byte[0], tablesPosition.getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, Table> table : tables.entrySet()) {
            fields.put(table.getKey().getBytes(StandardCharsets.UTF_8),
                    encode(table.getValue()).getBytes(StandardCharsets.UTF_8));
        }
        commands.command(() -> commands.sync().hset(key, fields));
        if (!forgotten.isEmpty()) {
            byte[][] names = forgotten.stream().map(name -> name.getBytes(StandardCharsets.UTF_8))
                    .toArray(byte[][]::new);
            commands.command(() -> commands.sync().hdel(key, names));
        }
    }

    static String encode(Table table) {
        StringBuilder text = new StringBuilder(24 * table.ids().length).append(table.fromGeneration());
        for (int b = 0; b < table.ids().length; b++) {
            text.append(' ').append(table.ids()[b]).append(' ').append(table.seqs()[b]);
        }
        return text.toString();
    }

    /** A table's positions, or null for a value this layout does not know (the table is then read from its start). */
    static Table decode(String value) {
        String[] parts = value.split(" ");
        if (parts.length != 1 + 2 * KeySpace.BUCKETS) {
            return null;
        }
        try {
            String[] ids = new String[KeySpace.BUCKETS];
            long[] seqs = new long[KeySpace.BUCKETS];
            for (int b = 0; b < KeySpace.BUCKETS; b++) {
                ids[b] = parts[1 + 2 * b];
                seqs[b] = Long.parseLong(parts[2 + 2 * b]);
            }
            return new Table(Long.parseLong(parts[0]), ids, seqs);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
