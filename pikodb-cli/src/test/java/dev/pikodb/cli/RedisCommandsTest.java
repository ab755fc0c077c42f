package dev.pikodb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.RedisStorage;
import dev.pikodb.redis.testing.RedisServers;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on a real Redis server (started by the tests). */
class RedisCommandsTest {

    @TempDir
    Path temp;

    @Test
    void copyToRedisThenInfoGetExportAndBackupFromIt() throws Exception {
        Path data = temp.resolve("data");
        try (PikoDB db = DirectoryCommandsTest.open(data)) {
            db.write("users", "alice", Map.of("name", "Alice"));
            db.write("users", "alice", Map.of("name", "Alice", "age", 31));
            db.write("orders", "o1", 12.5);
        }
        String uri = RedisServers.shared().uri();
        String prefix = RedisServers.uniquePrefix("cli");

        Cli copy = Cli.run("-d", data.toString(), "copy", "--to-redis", uri, "--to-prefix", prefix);
        assertThat(copy.exitCode()).as(copy.err()).isZero();
        assertThat(copy.out()).contains("copied 2 tables, 2 records to redis://");

        Cli info = Cli.run("--redis", uri, "--prefix", prefix, "info");
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).contains("tables:       2", "records:      2");
        Cli get = Cli.run("--redis", uri, "--prefix", prefix, "get", "users", "alice");
        assertThat(get.out()).contains("\"version\":2");
        Cli export = Cli.run("--redis", uri, "--prefix", prefix, "export");
        assertThat(export.out().lines()).hasSize(2).anySatisfy(line -> assertThat(line).contains("\"key\":\"o1\""));
        Cli verify = Cli.run("--redis", uri, "--prefix", prefix, "verify");
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).contains("verify checks a directory database");

        Cli backup = Cli.run("--redis", uri, "--prefix", prefix, "backup", temp.resolve("backup").toString());
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        DirectoryCommandsTest.assertEqual(data, temp.resolve("backup"));

        try (PikoDB redis = new PikoDB(DatabaseOptions.builder()
                .storage(RedisStorage.builder().uri(uri).keyPrefix(prefix).build()).build())) {
            redis.start();
            assertThat(redis.getRecord("users", "alice").orElseThrow().version()).isEqualTo(2);
        }
    }
}
