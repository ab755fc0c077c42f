package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tables as files: every visible file is a table, deleteTable removes the files, summaries count bytes
 * on disk (the rules on every engine: {@code TablesContract}).
 */
class TablesTest extends PikoDBTestSupport {

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
        assertThat(files()).noneMatch(name -> name.contains("ghost"));
        db.close();
        assertThat(files()).noneMatch(name -> name.contains("ghost"));
    }

    @Test
    void deleteTableRemovesItsFilesAndReturnsTrue() {
        db.write("doomed", "k1", 1);
        db.write("doomed", "k2", 2);
        db.write("kept", "k", 3);
        assertThat(files()).anyMatch(name -> name.contains("doomed"));

        assertThat(db.deleteTable("doomed")).isTrue();

        assertThat(db.listTables()).containsExactly("kept");
        assertThat(db.get("doomed", "k1")).isNull();
        assertThat(db.getTableSize("doomed")).isZero();
        assertThat(files()).noneMatch(name -> name.contains("doomed"));
        db.flush();
        assertThat(files()).noneMatch(name -> name.contains("doomed"));
        assertThat(db.get("kept", "k")).isEqualTo(3);
    }

    @Test
    void deleteTableAfterFlushRemovesTheTableFile() {
        db.write("doomed", "k1", 1);
        db.flush();
        assertThat(dir.resolve("doomed")).exists();

        assertThat(db.deleteTable("doomed")).isTrue();

        assertThat(dir.resolve("doomed")).doesNotExist();
        assertThat(files()).noneMatch(name -> name.contains("doomed"));
    }

    @Test
    void deleteIsPersisted() {
        db.write("t", "a", 1);
        db.write("t", "b", 2);
        db.delete("t", "a");

        reopen();

        assertThat(asMap(db.get("t"))).isEqualTo(Map.of("b", 2));
        db.close();
        assertThat(tableFileEntries("t")).containsOnlyKeys("b");
    }

    @Test
    void hiddenFilesAreNotTables() {
        db.close();
        writeFile(".notes", "[[\"k\",{\"d\":1,\"v\":1,\"t\":1,\"x\":null}]]");

        reopen();

        assertThat(db.listTables()).isEmpty();
    }

    @Test
    void anyOtherFileIsATable() {
        db.close();
        writeFile("imported", "[[\"k\",{\"d\":\"v\",\"v\":2,\"t\":5,\"x\":null}]]");
        writeFile("empty", "[]");

        reopen();

        assertThat(db.listTables()).containsExactlyInAnyOrder("imported", "empty");
        assertThat(db.get("imported", "k")).isEqualTo("v");
        assertThat(db.getTableSize("empty")).isZero();
    }

    @Test
    void tableSummaryReportsRecordsAndBytes() {
        db.write("t", "a", "x".repeat(100));
        db.write("t", "b", "y".repeat(100));

        TableSummary summary = db.tableSummary("t").orElseThrow();

        assertThat(summary.name()).isEqualTo("t");
        assertThat(summary.records()).isEqualTo(2);
        assertThat(summary.bytesOnDisk()).isEqualTo(summary.fileBytes() + summary.journalBytes())
                .isGreaterThanOrEqualTo(200);
        db.flush();
        TableSummary flushed = db.tableSummary("t").orElseThrow();
        assertThat(flushed.fileBytes()).isGreaterThanOrEqualTo(200);
    }
}
