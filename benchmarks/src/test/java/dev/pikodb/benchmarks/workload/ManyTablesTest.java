package dev.pikodb.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.store.StoreKind;
import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ManyTablesTest {

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(value = StoreKind.class, names = {"PIKODB", "SQLITE"})
    void everyRecordWrittenIsFoundAfterReopening(StoreKind kind) {
        Profiles profiles = new Profiles();
        try (ManyTables.Writer writer = ManyTables.open(kind, directory)) {
            for (int table = 0; table < 5; table++) {
                for (int record = 0; record < 3; record++) {
                    writer.write(table, record, profiles);
                }
            }
            // overwriting keeps the count
            writer.write(2, 1, profiles);
        }

        ManyTables.Reopened reopened = ManyTables.reopen(kind, directory);

        assertThat(reopened.records()).isEqualTo(15);
        assertThat(reopened.openedNanos()).isPositive();
        assertThat(reopened.firstReadNanos()).isPositive();
        assertThat(reopened.decodedNanos()).isGreaterThanOrEqualTo(reopened.firstReadNanos());
        if (kind == StoreKind.PIKODB) {
            assertThat(reopened.firstReadNanos()).isGreaterThanOrEqualTo(reopened.openedNanos());
        } else {
            assertThat(reopened.openedNanos()).as("SQLite's open row includes decoding every row")
                    .isEqualTo(reopened.decodedNanos());
        }
    }

    /** W9 counts open files through {@code /proc}: on Linux, where the benchmark reports them, it must work. */
    @ParameterizedTest
    @EnumSource(value = StoreKind.class, names = {"PIKODB", "SQLITE"})
    @EnabledOnOs(value = OS.LINUX, disabledReason = "open files are counted through /proc/<pid>/fd, on Linux only")
    void openFilesOfThisProcessAreCounted(StoreKind kind) {
        long before = ManyTables.openFiles("self");
        assertThat(before).as("open files of this JVM before opening the store").isPositive();
        try (ManyTables.Writer writer = ManyTables.open(kind, directory)) {
            writer.write(0, 0, new Profiles());
            assertThat(ManyTables.openFiles("self")).isGreaterThan(before);
        }
    }
}
