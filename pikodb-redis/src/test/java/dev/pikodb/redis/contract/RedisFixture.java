package dev.pikodb.redis.contract;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.redis.RedisStorage;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.Resp;
import dev.pikodb.tck.EngineFixture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One contract test's database on Redis: a fresh key prefix on a running server or cluster. Every
 * {@link #options()} call builds a new engine over the same prefix, which is how the contracts
 * restart a database; {@link #storedTables()} reads the keys under the prefix on every master, and
 * {@link #close()} deletes them.
 */
final class RedisFixture implements EngineFixture {

    private final Supplier<RedisStorage.Builder> engines;
    private final List<RedisServer> masters;
    private final String prefix;

    RedisFixture(Supplier<RedisStorage.Builder> engines, List<RedisServer> masters, String prefix) {
        this.engines = engines;
        this.masters = masters;
        this.prefix = prefix;
    }

    @Override
    public DatabaseOptions.Builder options() {
        return DatabaseOptions.builder().storage(engines.get().keyPrefix(prefix).build());
    }

    /**
     * The tables with records stored under this prefix: those with a bucket hash
     * {@code {<prefix>:<escaped table>:<bucket>}:r} holding more than its generation field.
     */
    @Override
    public List<String> storedTables() {
        java.util.Set<String> tables = new java.util.TreeSet<>();
        String start = "{" + prefix + ":";
        for (RedisServer master : masters) {
            try (Resp admin = master.admin()) {
                for (String key : keysOf(admin)) {
                    if (key.startsWith(start) && key.endsWith("}:r") && (Long) admin.call("HLEN", key) > 1) {
                        String tag = key.substring(start.length(), key.length() - "}:r".length());
                        tables.add(unescape(tag.substring(0, tag.lastIndexOf(':'))));
                    }
                }
            }
        }
        return new ArrayList<>(tables);
    }

    @Override
    public boolean sharesDataAcrossInstances() {
        return true;
    }

    @Override
    public void close() {
        for (RedisServer master : masters) {
            try (Resp admin = master.admin()) {
                // One DEL per slot: a table's keys lie in 16 bucket slots, so a DEL per key would cost
                // more round trips than the test itself.
                java.util.Map<Integer, List<String>> bySlot = new java.util.HashMap<>();
                for (String key : keysOf(admin)) {
                    bySlot.computeIfAbsent(io.lettuce.core.cluster.SlotHash.getSlot(key.getBytes(StandardCharsets.UTF_8)),
                            slot -> new ArrayList<>(List.of("DEL"))).add(key);
                }
                for (List<String> command : bySlot.values()) {
                    admin.call(command.toArray(String[]::new));
                }
            }
        }
    }

    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (RedisServer master : masters) {
            try (Resp admin = master.admin()) {
                keys.addAll(keysOf(admin));
            }
        }
        return keys;
    }

    private List<String> keysOf(Resp admin) {
        List<String> keys = new ArrayList<>();
        for (Object key : (List<?>) admin.call("KEYS", "{" + prefix + "*")) {
            keys.add((String) key);
        }
        return keys;
    }

    private static String unescape(String escaped) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] in = escaped.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length) {
                bytes.write(Integer.parseInt(new String(in, i + 1, 2, StandardCharsets.US_ASCII), 16));
                i += 2;
            } else {
                bytes.write(in[i]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
