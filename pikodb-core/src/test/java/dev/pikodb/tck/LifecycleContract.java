package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.TableSummary;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.type.TypeReference;

/**
 * start/close rules: calls outside the open window fail, close is idempotent, a closed database
 * opens again with its data, and a second instance over the same data either shares it (a shared
 * engine) or refuses to start (the directory engine, whose lock has its own tests).
 */
public abstract class LifecycleContract extends ContractSupport {

    /** A call of the public API, named for the test report. */
    public record Call(String name, Consumer<PikoDB> call) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** @return every call that needs a started database, for the tests of refused calls on every engine */
    public static Stream<Call> everyCall() {
        return Stream.of(
                new Call("flush", PikoDB::flush),
                new Call("write", db -> db.write("t", "k", 1)),
                new Call("write with expiration", db -> db.write("t", "k", 1, T0 + 10)),
                new Call("write with dictionary", db -> db.write("t", "k", 1, null, null)),
                new Call("compareAndWrite", db -> db.compareAndWrite("t", "k", 0, 1)),
                new Call("get", db -> db.get("t", "k")),
                new Call("get typed", db -> db.get("t", "k", Integer.class)),
                new Call("get type reference", db -> db.get("t", "k", new TypeReference<List<Integer>>() { })),
                new Call("get table", db -> db.get("t")),
                new Call("getRecord", db -> db.getRecord("t", "k")),
                new Call("delete", db -> db.delete("t", "k")),
                new Call("getTableSize", db -> db.getTableSize("t")),
                new Call("listTables", PikoDB::listTables),
                new Call("deleteTable", db -> db.deleteTable("t")),
                new Call("cleanupExpired", db -> db.cleanupExpired("t")),
                new Call("cleanupAllExpired", PikoDB::cleanupAllExpired),
                new Call("addDictionary", db -> db.addDictionary("d", Dictionary.deflate(Map.of("a", "b")))),
                new Call("removeDictionary", db -> db.removeDictionary("d")),
                new Call("listDictionaries", PikoDB::listDictionaries),
                new Call("tableSummaries", PikoDB::tableSummaries),
                new Call("tableSummary", db -> db.tableSummary("t")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCall")
    void everyCallBeforeStartThrowsIllegalState(Call call) {
        PikoDB fresh = unstarted(b -> { });

        assertThatThrownBy(() -> call.call().accept(fresh))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("start");
        fresh.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCall")
    void everyCallAfterCloseThrowsIllegalState(Call call) {
        db.write("t", "k", 1);
        db.close();

        assertThatThrownBy(() -> call.call().accept(db))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCall")
    void failedCallsOnAClosedDatabaseChangeNothingStored(Call call) {
        db.write("t", "k", "kept");
        db.close();
        List<String> before = storedTables();

        assertThatThrownBy(() -> call.call().accept(db)).isInstanceOf(IllegalStateException.class);

        assertThat(storedTables()).isEqualTo(before);
        reopen();
        assertThat(db.get("t", "k")).isEqualTo("kept");
    }

    @Test
    void monitoringCallsWorkInEveryState() {
        db.close();
        PikoDB fresh = unstarted(b -> { });
        assertThat(fresh.isOpen()).isFalse();
        assertThatCode(fresh::statistics).doesNotThrowAnyException();
        assertThat(fresh.quarantinedFiles()).isEmpty();
        assertThat(fresh.failedTables()).isEmpty();
        fresh.start();
        assertThat(fresh.isOpen()).isTrue();
        fresh.write("t", "k", 1);
        fresh.close();
        assertThat(fresh.isOpen()).isFalse();
        assertThat(fresh.statistics().writes()).isEqualTo(1);
        assertThat(fresh.quarantinedFiles()).isEmpty();
        assertThat(fresh.failedTables()).isEmpty();
        assertThat(fresh.storageDescription()).isNotBlank();
    }

    @Test
    void closeIsIdempotent() {
        db.write("t", "k", 1);
        db.close();
        assertThatCode(db::close).doesNotThrowAnyException();
        assertThatCode(db::close).doesNotThrowAnyException();
        assertThat(db.isOpen()).isFalse();

        reopen();
        assertThat(db.get("t", "k")).isEqualTo(1);
    }

    @Test
    void closeWithoutStartDoesNothing() {
        PikoDB fresh = unstarted(b -> { });
        assertThatCode(fresh::close).doesNotThrowAnyException();
        assertThatCode(fresh::close).doesNotThrowAnyException();
    }

    @Test
    void startTwiceThrowsIllegalState() {
        assertThatThrownBy(db::start).isInstanceOf(IllegalStateException.class);
        assertThat(db.isOpen()).isTrue();
        db.write("t", "k", 1);
        assertThat(db.get("t", "k")).isEqualTo(1);
    }

    @Test
    void startAfterCloseThrowsIllegalState() {
        db.close();
        assertThatThrownBy(db::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void newInstanceStartsAfterTheFirstIsClosed() {
        db.write("t", "k", "first");
        db.close();

        PikoDB second = open(b -> { });
        assertThat(second.get("t", "k")).isEqualTo("first");
        assertThat(second.write("t", "k", "second")).isEqualTo(2);
        second.close();
        PikoDB third = open(b -> { });
        assertThat(third.get("t", "k")).isEqualTo("second");
    }

    @Test
    void constructorRejectsNullOptions() {
        assertThatThrownBy(() -> new PikoDB((DatabaseOptions) null))
                .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
    }

    @Test
    void tryWithResourcesClosesAndReleasesTheStorage() {
        db.close();
        try (PikoDB first = unstarted(b -> { })) {
            first.start();
            first.write("t", "k", "v");
        }
        try (PikoDB second = unstarted(b -> { })) {
            second.start();
            assertThat(second.get("t", "k")).isEqualTo("v");
        }
    }

    @Test
    void startLoadsEveryExistingTable() {
        db.write("a", "k", 1);
        db.write("b", "k", 2);
        db.write("c", "k", 3);

        reopen();

        assertThat(db.listTables()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(db.tableSummaries()).extracting(TableSummary::name).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(db.tableSummaries()).allSatisfy(summary -> assertThat(summary.records()).isEqualTo(1));
    }

    @Test
    void secondInstanceOverTheSameDataSharesItOrRefusesToStart() {
        db.write("t", "k", "first");
        PikoDB second = unstarted(b -> { });

        if (fixture.sharesDataAcrossInstances()) {
            second.start();
            assertThat(second.get("t", "k")).as("the second instance sees the first one's write").isEqualTo("first");
            assertThat(second.write("t", "k", "second")).isEqualTo(2);
            assertThat(db.get("t", "k")).as("the first instance sees the second one's write").isEqualTo("second");
            assertThat(db.write("t", "k", "third")).isEqualTo(3);
            assertThat(second.getRecord("t", "k").orElseThrow().version()).isEqualTo(3);
        } else {
            assertThatThrownBy(second::start).isInstanceOf(PikoDBException.class);
            assertThat(second.isOpen()).isFalse();
            assertThat(db.get("t", "k")).as("the first instance keeps working").isEqualTo("first");
            assertThat(db.write("t", "k", "still mine")).isEqualTo(2);
        }
    }
}
