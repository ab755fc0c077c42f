package dev.pikodb.internal.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup's barrier, tried where it matters: between the snapshots of two tables, another thread
 * writes the first table and then the second, each write acknowledged before the next. Without the
 * barrier both writes land there, and the cut would hold the second table's write but not the first's,
 * which was acknowledged before it. With it, neither write becomes visible until the barrier ends.
 */
class PointInTimeCutTest {

    @TempDir
    Path directory;

    @AfterEach
    void removeHook() {
        PointInTimeCut.afterEachSnapshotForTesting = null;
    }

    @Test
    void writesBetweenTwoTablesSnapshotsWaitForTheBarrier() throws Exception {
        Path live = directory.resolve("live");
        Path backup = directory.resolve("backup");
        try (PikoDB db = new PikoDB(live)) {
            db.start();
            db.write("a", "k", 0);
            db.write("b", "k", 0);

            AtomicBoolean started = new AtomicBoolean();
            List<CompletableFuture<Void>> writer = new ArrayList<>();
            List<Boolean> finishedInsideBarrier = new ArrayList<>();
            PointInTimeCut.afterEachSnapshotForTesting = () -> {
                if (!started.compareAndSet(false, true)) {
                    return;
                }
                // After the snapshot of "a", before that of "b": "a" then "b", in order.
                CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
                    db.write("a", "k", 1);
                    db.write("b", "k", 1);
                });
                writer.add(writes);
                try {
                    writes.get(500, TimeUnit.MILLISECONDS);
                    finishedInsideBarrier.add(true);
                } catch (TimeoutException e) {
                    finishedInsideBarrier.add(false);
                } catch (InterruptedException | ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            };
            db.backup(backup);
            PointInTimeCut.afterEachSnapshotForTesting = null;
            writer.get(0).get(30, TimeUnit.SECONDS);

            assertThat(finishedInsideBarrier).as("the writes waited for the barrier").containsExactly(false);
            assertThat(db.get("a", "k")).isEqualTo(1);
            assertThat(db.get("b", "k")).isEqualTo(1);
        }
        try (PikoDB copy = new PikoDB(backup)) {
            copy.start();
            assertThat(copy.get("a", "k")).as("the first table in the cut").isEqualTo(0);
            assertThat(copy.get("b", "k")).as("the second table in the cut").isEqualTo(0);
        }
    }
}
