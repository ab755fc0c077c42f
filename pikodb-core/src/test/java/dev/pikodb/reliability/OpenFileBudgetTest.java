package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The files a database holds open stay within {@link DatabaseOptions.Builder#maxOpenJournals(int)}
 * however many tables are written, after a clean close and after a crash (counted in
 * {@code /proc/self/fd}).
 */
@EnabledOnOs(OS.LINUX)
class OpenFileBudgetTest {

    private static final int BUDGET = 16;
    /** The lock file, plus a table file being rewritten and its temporary file. */
    private static final int BESIDES_JOURNALS = 3;

    @TempDir
    Path tmp;

    private static PikoDB open(Path dir, boolean durable) {
        // Without fsync, which the budget does not depend on, to keep the test fast.
        PikoDB db = new PikoDB(TestHooks.withFileIO(DatabaseOptions.builder().databaseDirectory(dir)
                .durableWrites(durable).maxOpenJournals(BUDGET), NoSyncFileIO.INSTANCE).build());
        db.start();
        return db;
    }

    private static int openUnder(Path dir) {
        return TestFiles.openFilesUnder(dir).size();
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void manyTablesStayWithinTheBudgetWrittenClosedReopenedAndAfterACrash(boolean durable) {
        int tables = 300;
        Path dir = tmp.resolve("db");
        Path crashed = tmp.resolve("crashed");
        int maxOpen = 0;
        try (PikoDB db = open(dir, durable)) {
            for (int round = 1; round <= 2; round++) {
                for (int t = 0; t < tables; t++) {
                    assertThat(db.write("table-" + t, "k", round)).isEqualTo(round);
                    if (t % 50 == 0) {
                        maxOpen = Math.max(maxOpen, openUnder(dir));
                    }
                }
                maxOpen = Math.max(maxOpen, openUnder(dir));
            }
            assertThat(maxOpen).as("files open under the directory while writing %d tables", tables)
                    .isLessThanOrEqualTo(BUDGET + BESIDES_JOURNALS);
            // An image of the directory as a crash (kill -9) would leave it: every journal still there.
            TestFiles.copyDirectory(dir, crashed);
        }
        assertThat(openUnder(dir)).isZero();
        for (Path image : List.of(dir, crashed)) {
            try (PikoDB db = open(image, durable)) {
                assertThat(openUnder(image)).as("files open after start").isLessThanOrEqualTo(1 + BESIDES_JOURNALS);
                assertThat(db.listTables()).hasSize(tables);
                for (int t = 0; t < tables; t++) {
                    assertThat(db.get("table-" + t, "k")).isEqualTo(2);
                    assertThat(db.write("table-" + t, "k", 3)).isEqualTo(3L);
                }
                assertThat(openUnder(image)).as("files open after writing every table again")
                        .isLessThanOrEqualTo(BUDGET + BESIDES_JOURNALS);
            }
        }
    }

    @Test
    void concurrentWritersToManyTablesStayWithinTheBudgetAndLoseNothing() throws Exception {
        Path dir = tmp.resolve("db");
        int threads = 4;
        int tables = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (PikoDB db = open(dir, true)) {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        db.write("table-" + ((i * 7 + writer * 13) % tables), "w" + writer + "-" + i, i);
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(100, TimeUnit.SECONDS);
            }
            assertThat(openUnder(dir)).isLessThanOrEqualTo(BUDGET + BESIDES_JOURNALS + threads);
        } finally {
            pool.shutdownNow();
        }
        try (PikoDB db = open(dir, false)) {
            int records = 0;
            for (String table : db.listTables()) {
                records += db.getTableSize(table);
            }
            assertThat(records).isEqualTo(threads * 300);
        }
    }

    @Test
    void budgetMustBePositive() {
        assertThatThrownBy(() -> DatabaseOptions.builder().maxOpenJournals(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxOpenJournals");
        assertThat(DatabaseOptions.builder().databaseDirectory(tmp).build().maxOpenJournals())
                .isEqualTo(DatabaseOptions.DEFAULT_MAX_OPEN_JOURNALS);
    }
}
