package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.TableSummary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** listTables, reading whole tables, missing tables, deleteTable and getTableSize. */
public abstract class TablesContract extends ContractSupport {

    @Test
    void newDatabaseHasNoTables() {
        assertThat(db.listTables()).isEmpty();
        assertThat(db.tableSummaries()).isEmpty();
    }

    @Test
    void writesCreateTables() {
        db.write("users", "u1", map("name", "Alice"));
        db.write("products", "p1", map("name", "Widget"));

        assertThat(db.listTables()).containsExactlyInAnyOrder("users", "products");
        db.flush();
        assertThat(storedTables()).containsExactlyInAnyOrder("users", "products");
    }

    @Test
    void tablesAreListedAfterRestartEvenBeforeTheyAreRead() {
        db.write("users", "u1", 1);
        db.write("products", "p1", 1);

        reopen();

        assertThat(db.listTables()).containsExactlyInAnyOrder("users", "products");
    }

    @Test
    void getTableReturnsEveryLiveEntry() {
        db.write("users", "u1", map("name", "Alice"));
        db.write("users", "u2", map("name", "Bob"));
        db.write("users", "u3", map("name", "Carol"));
        db.write("users", "u2", map("name", "Bobby"));
        db.delete("users", "u3");
        db.write("other", "o1", 1);

        List<Map.Entry<String, Object>> entries = db.get("users");

        assertThat(entries).hasSize(2);
        assertThat(asMap(entries)).isEqualTo(Map.of("u1", map("name", "Alice"), "u2", map("name", "Bobby")));
    }

    @Test
    void getTableAfterRestart() {
        for (int i = 0; i < 100; i++) {
            db.write("many", "k" + i, i);
        }
        reopen();

        Map<String, Object> all = asMap(db.get("many"));

        assertThat(all).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(all).containsEntry("k" + i, i);
        }
    }

    @Test
    void readingAMissingTableDoesNotCreateIt() {
        assertThat(db.get("ghost", "k")).isNull();
        assertThat(db.get("ghost", "k", String.class)).isNull();
        assertThat(db.getRecord("ghost", "k")).isEmpty();
        assertThat(db.get("ghost")).isEmpty();
        assertThat(db.getTableSize("ghost")).isZero();
        assertThat(db.delete("ghost", "k")).isFalse();
        assertThat(db.cleanupExpired("ghost")).isZero();
        assertThat(db.tableSummary("ghost")).isEmpty();

        assertThat(db.listTables()).doesNotContain("ghost");
        assertThat(db.tableSummaries()).extracting(TableSummary::name).doesNotContain("ghost");
        db.flush();
        assertThat(storedTables()).doesNotContain("ghost");
        db.close();
        assertThat(storedTables()).doesNotContain("ghost");
    }

    @Test
    void deleteTableRemovesItsDataAndReturnsTrue() {
        db.write("doomed", "k1", 1);
        db.write("doomed", "k2", 2);
        db.write("kept", "k", 3);
        db.flush();
        assertThat(storedTables()).contains("doomed", "kept");

        assertThat(db.deleteTable("doomed")).isTrue();

        assertThat(db.listTables()).containsExactly("kept");
        assertThat(db.get("doomed", "k1")).isNull();
        assertThat(db.getTableSize("doomed")).isZero();
        assertThat(storedTables()).doesNotContain("doomed");
        db.flush();
        assertThat(storedTables()).doesNotContain("doomed").contains("kept");
        assertThat(db.get("kept", "k")).isEqualTo(3);
    }

    @Test
    void deletedTableStaysDeletedAfterRestart() {
        db.write("doomed", "k1", 1);
        db.flush();
        db.write("doomed", "k2", 2);
        db.deleteTable("doomed");

        reopen();

        assertThat(db.listTables()).doesNotContain("doomed");
        assertThat(db.get("doomed", "k1")).isNull();
        assertThat(db.get("doomed", "k2")).isNull();
    }

    @Test
    void deleteTableOfAMissingTableReturnsFalse() {
        assertThat(db.deleteTable("ghost")).isFalse();
        assertThat(db.listTables()).isEmpty();
    }

    @Test
    void deleteTableTwiceReturnsTrueThenFalse() {
        db.write("t", "k", 1);

        assertThat(db.deleteTable("t")).isTrue();
        assertThat(db.deleteTable("t")).isFalse();
    }

    @Test
    void deleteTableOfATableNotReadSinceARestart() {
        db.write("t", "k", 1);
        reopen();

        assertThat(db.deleteTable("t")).isTrue();

        assertThat(storedTables()).isEmpty();
        reopen();
        assertThat(db.listTables()).isEmpty();
    }

    @Test
    void tableCanBeRecreatedAfterDeleteTable() {
        db.write("t", "old", 1);
        db.deleteTable("t");

        assertThat(db.write("t", "new", 2)).isEqualTo(1);

        assertThat(asMap(db.get("t"))).isEqualTo(Map.of("new", 2));
        reopen();
        assertThat(asMap(db.get("t"))).isEqualTo(Map.of("new", 2));
    }

    @Test
    void getTableSizeCountsLiveKeys() {
        assertThat(db.getTableSize("t")).isZero();
        db.write("t", "a", 1);
        db.write("t", "b", 1);
        db.write("t", "b", 2);
        assertThat(db.getTableSize("t")).isEqualTo(2);
        db.delete("t", "a");
        assertThat(db.getTableSize("t")).isEqualTo(1);
        db.write("t", "c", null);
        assertThat(db.getTableSize("t")).isEqualTo(2);
    }

    @Test
    void deleteReturnsTrueOnlyForALiveKey() {
        db.write("t", "k", 1);

        assertThat(db.delete("t", "k")).isTrue();
        assertThat(db.delete("t", "k")).isFalse();
        assertThat(db.delete("t", "never")).isFalse();
        assertThat(db.get("t", "k")).isNull();
    }

    @Test
    void deleteIsPersisted() {
        db.write("t", "a", 1);
        db.write("t", "b", 2);
        db.delete("t", "a");

        reopen();

        assertThat(asMap(db.get("t"))).isEqualTo(Map.of("b", 2));
        assertThat(db.getRecord("t", "a")).isEmpty();
        assertThat(db.getTableSize("t")).isEqualTo(1);
    }

    @Test
    void sameKeyInDifferentTablesIsIndependent() {
        db.write("a", "k", "in a");
        db.write("b", "k", "in b");
        db.delete("a", "k");

        assertThat(db.get("a", "k")).isNull();
        assertThat(db.get("b", "k")).isEqualTo("in b");
    }

    @Test
    void tableSummaryReportsRecords() {
        db.write("t", "a", "x".repeat(100));
        db.write("t", "b", "y".repeat(100));

        TableSummary summary = db.tableSummary("t").orElseThrow();

        assertThat(summary.name()).isEqualTo("t");
        assertThat(summary.records()).isEqualTo(2);
        assertThat(db.tableSummaries()).extracting(TableSummary::name).containsExactly("t");
        reopen();
        assertThat(db.tableSummary("t").orElseThrow().records()).isEqualTo(2);
    }
}
