package dev.pikodb.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.store.StoreKind;
import java.nio.file.Path;
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

        long[] timed = {-1};
        long found = ManyTables.reopen(kind, directory, nanos -> timed[0] = nanos);

        assertThat(found).isEqualTo(15);
        assertThat(timed[0]).isPositive();
    }

    @ParameterizedTest
    @EnumSource(value = StoreKind.class, names = {"PIKODB", "SQLITE"})
    void openFilesOfThisProcessAreCounted(StoreKind kind) {
        long before = ManyTables.openFiles("self");
        try (ManyTables.Writer writer = ManyTables.open(kind, directory)) {
            writer.write(0, 0, new Profiles());
            if (before >= 0) {
                assertThat(ManyTables.openFiles("self")).isGreaterThan(before);
            }
        }
    }
}
