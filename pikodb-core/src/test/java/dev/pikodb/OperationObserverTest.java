package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.type.TypeReference;

/** Every facade operation passes through the configured {@link OperationObserver} once, with its table. */
class OperationObserverTest {

    /** What the observer saw: the operation, its table, and how it ended. */
    record Seen(StoreOperation operation, String table, Object result, Throwable error) {
    }

    /** An observer that records each call and what it returned or threw. */
    static final class RecordingObserver implements OperationObserver {

        final List<Seen> seen = new ArrayList<>();

        @Override
        public <T> T observe(StoreOperation type, String table, Supplier<T> operation) {
            try {
                T result = operation.get();
                seen.add(new Seen(type, table, result, null));
                return result;
            } catch (RuntimeException e) {
                seen.add(new Seen(type, table, null, e));
                throw e;
            }
        }
    }

    @TempDir
    Path directory;

    private final RecordingObserver observer = new RecordingObserver();

    private PikoDB db;

    @BeforeEach
    void open() {
        db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory.resolve("db")).observer(observer).build());
        db.start();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void everyOperationIsSeenOnceWithItsTableAndResult() {
        db.write("users", "alice", Map.of("name", "Alice"));
        db.write("users", "bob", 1, null);
        db.compareAndWrite("users", "alice", 1, "Alice 2");
        db.get("users", "alice");
        db.get("users", "alice", String.class);
        db.get("users", "alice", new TypeReference<String>() { });
        db.getRecord("users", "alice");
        db.get("users");
        db.getRecords("users");
        db.delete("users", "bob");
        db.cleanupExpired("users");
        db.cleanupAllExpired();
        db.flush();
        db.deleteTable("users");

        assertThat(observer.seen).extracting(Seen::operation, Seen::table).containsExactly(
                tuple(StoreOperation.WRITE, "users"),
                tuple(StoreOperation.WRITE, "users"),
                tuple(StoreOperation.COMPARE_AND_WRITE, "users"),
                tuple(StoreOperation.READ, "users"),
                tuple(StoreOperation.READ, "users"),
                tuple(StoreOperation.READ, "users"),
                tuple(StoreOperation.READ, "users"),
                tuple(StoreOperation.READ, "users"),
                tuple(StoreOperation.READ, "users"),
                tuple(StoreOperation.DELETE, "users"),
                tuple(StoreOperation.CLEANUP, "users"),
                tuple(StoreOperation.CLEANUP, null),
                tuple(StoreOperation.FLUSH, null),
                tuple(StoreOperation.DELETE_TABLE, "users"));
        assertThat(observer.seen.get(0).result()).isEqualTo(1L);
        assertThat(observer.seen.get(2).result()).isEqualTo(true);
        assertThat(observer.seen.get(4).result()).isEqualTo("Alice 2");
        assertThat(observer.seen.get(9).result()).isEqualTo(true);
    }

    @Test
    void queriesAreSeenWithWhatTheCallerGets() {
        db.write("users", "alice", Map.of("name", "Alice"));
        observer.seen.clear();

        Throwable findFailure = catchThrowable(() -> db.find("users", Query.all()));
        Throwable countFailure = catchThrowable(() -> db.count("users", Query.all()));

        assertThat(observer.seen).extracting(Seen::operation, Seen::table).containsExactly(
                tuple(StoreOperation.FIND, "users"), tuple(StoreOperation.COUNT, "users"));
        assertThat(observer.seen.get(0).error()).isSameAs(findFailure);
        assertThat(observer.seen.get(1).error()).isSameAs(countFailure);
        if (countFailure == null) {
            assertThat(observer.seen.get(1).result()).isEqualTo(1L);
        }
    }

    @Test
    void backupAndCopyAreSeenOnceWithoutATable() {
        db.write("users", "alice", Map.of("name", "Alice"));
        observer.seen.clear();

        db.backup(directory.resolve("backup"));
        try (PikoDB target = new PikoDB(directory.resolve("copy"))) {
            target.start();
            db.copyTo(target);
            assertThat(target.get("users", "alice")).isEqualTo(Map.of("name", "Alice"));
        }

        assertThat(observer.seen).extracting(Seen::operation, Seen::table).containsExactly(
                tuple(StoreOperation.BACKUP, null), tuple(StoreOperation.COPY, null));
        assertThat(observer.seen.get(0).result()).isInstanceOf(CopySummary.class);
    }

    @Test
    void theResultOfAnObservedCallIsTheCallersResult() {
        assertThat(db.write("t", "k", "v")).isEqualTo(1);
        assertThat(db.compareAndWrite("t", "k", 7, "w")).isFalse();
        assertThat(db.get("t", "k")).isEqualTo("v");
        assertThat(db.getRecord("t", "missing")).isEmpty();
        assertThat(db.delete("t", "missing")).isFalse();
    }

    @Test
    void aFailingOperationIsSeenWithItsExceptionWhichReachesTheCaller() {
        assertThatThrownBy(() -> db.write("users", "", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> db.compareAndWrite("users", "k", -1, "v"))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(observer.seen).extracting(Seen::operation).containsExactly(StoreOperation.WRITE,
                StoreOperation.COMPARE_AND_WRITE);
        assertThat(observer.seen).allSatisfy(seen -> assertThat(seen.error())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("users"));
    }

    @Test
    void anOperationOnAClosedDatabaseIsSeenFailing() {
        db.close();

        assertThatThrownBy(() -> db.get("users", "alice")).isInstanceOf(IllegalStateException.class);
        assertThat(observer.seen).singleElement().satisfies(seen -> {
            assertThat(seen.operation()).isEqualTo(StoreOperation.READ);
            assertThat(seen.error()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        });
    }

    @Test
    void operationNamesAreLowerCaseAndHyphenated() {
        assertThat(StoreOperation.COMPARE_AND_WRITE.operationName()).isEqualTo("compare-and-write");
        assertThat(StoreOperation.DELETE_TABLE.operationName()).isEqualTo("delete-table");
        assertThat(StoreOperation.WRITE.operationName()).isEqualTo("write");
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
