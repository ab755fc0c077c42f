package dev.pikodb.internal.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.Eventually;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.Query;
import dev.pikodb.TestHooks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The indexes of the tables loaded at start are built after {@code start()} returns, on background
 * threads: each test holds the builds at the instant they have paused the table's writes (the hook of
 * {@link IndexBuilds}) and checks, through the public API, what a get, a query, a write, an index
 * change, a table deletion and a close do meanwhile, and what they see once the builds go on.
 */
@Timeout(120)
class BackgroundIndexBuildTest {

    private static final int RECORDS = 200;

    @TempDir
    Path directory;

    private final CountDownLatch release = new CountDownLatch(1);
    private final Set<String> entered = ConcurrentHashMap.newKeySet();
    private final List<Runner> runners = new ArrayList<>();
    private final List<PikoDB> started = new ArrayList<>();

    /** Lets the held builds go before the databases close: a close waits for the running builds. */
    @AfterEach
    void releaseAndClose() throws InterruptedException {
        release.countDown();
        IndexBuilds.whileBuildingForTesting = null;
        for (Runner runner : runners) {
            runner.thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        started.forEach(PikoDB::close);
    }

    private PikoDB start() {
        PikoDB db = open();
        started.add(db);
        db.start();
        return db;
    }

    /** Holds every background build, once it paused its table's writes, until {@link #release}. */
    private CountDownLatch holdBuilds(int builds) {
        CountDownLatch held = new CountDownLatch(builds);
        IndexBuilds.whileBuildingForTesting = table -> {
            entered.add(table);
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        return held;
    }

    /** A call on a thread of its own, to see it wait and then end. */
    private static final class Runner {
        final Thread thread;
        final AtomicReference<Object> result = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean done;

        Runner(String name, Supplier<Object> call) {
            thread = new Thread(() -> {
                try {
                    result.set(call.get());
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    done = true;
                }
            }, name);
        }

        /** Returns once the call waits (parked on a latch or a lock); it has not ended then. */
        void awaitWaiting() {
            Eventually.await(() -> done || thread.getState() == Thread.State.WAITING);
            assertThat(done).as(thread.getName() + " waits").isFalse();
        }

        Object join() throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(done).as(thread.getName() + " ended").isTrue();
            assertThat(failure.get()).as(thread.getName() + " failed").isNull();
            return result.get();
        }
    }

    private Runner run(String name, Supplier<Object> call) {
        Runner runner = new Runner(name, call);
        runners.add(runner);
        runner.thread.start();
        return runner;
    }

    private PikoDB open() {
        return new PikoDB(TestHooks.withFileIO(DatabaseOptions.builder().databaseDirectory(directory),
                NoSyncFileIO.INSTANCE).build());
    }

    private static Map<String, Object> note(int i) {
        return Map.of("owner", "o" + (i % 10), "n", i);
    }

    /** Writes tables of {@link #RECORDS} notes with indexes on /owner and /n, and closes the database. */
    private void prepare(String... tables) {
        try (PikoDB db = open()) {
            db.start();
            for (String table : tables) {
                db.createIndex(table, "owner", "/owner");
                db.createIndex(table, "n", "/n");
                for (int i = 0; i < RECORDS; i++) {
                    db.write(table, "k" + i, note(i));
                }
            }
        }
    }

    private static List<String> keys(PikoDB db, String table, Query query) {
        return db.find(table, query).records().stream().map(Map.Entry::getKey).toList();
    }

    /** The keys of owner "o3" among the first notes, in key order. */
    private static List<String> ownerThree() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            if (i % 10 == 3) {
                keys.add("k" + i);
            }
        }
        keys.sort(null);
        return keys;
    }

    /** Prepares the table "notes" and starts a database, returned once that table's build holds its writes. */
    private PikoDB startWhileNotesBuild() throws InterruptedException {
        prepare("notes");
        CountDownLatch held = holdBuilds(1);
        PikoDB db = start();
        assertThat(held.await(30, TimeUnit.SECONDS)).as("the build runs after start returned").isTrue();
        return db;
    }

    @Test
    void startReturnsWhileTheBuildRunsGetsAnswerAndAQueryAndAWriteWaitForIt() throws Exception {
        PikoDB db = startWhileNotesBuild();

        assertThat(db.get("notes", "k3")).isEqualTo(note(3));
        Runner query = run("query", () -> keys(db, "notes", Query.eq("/owner", "o3")));
        Runner count = run("count", () -> db.count("notes", Query.range("/n", 0, 50)));
        Runner write = run("write", () -> db.write("notes", "new", Map.of("owner", "o3", "n", 1_000)));
        query.awaitWaiting();
        count.awaitWaiting();
        write.awaitWaiting();
        assertThat(db.get("notes", "new")).as("the write waits for the build").isNull();

        release.countDown();
        List<String> expected = ownerThree();
        List<String> withWrite = new ArrayList<>(expected);
        withWrite.add("new");
        withWrite.sort(null);
        Object found = query.join();
        assertThat(count.join()).isEqualTo(50L);
        assertThat(write.join()).isEqualTo(1L);
        // The write lands once the build ends, so the query, which waited for it too, may see it.
        assertThat(found).as("the query answered from the built index").isIn(expected, withWrite);
        assertThat(keys(db, "notes", Query.eq("/owner", "o3"))).as("the write's index entry")
                .isEqualTo(withWrite);
        assertThat(keys(db, "notes", Query.eq("/n", 1_000))).containsExactly("new");
    }

    @Test
    void aPathWithoutDefinitionThrowsWithoutWaitingForTheBuild() throws Exception {
        PikoDB db = startWhileNotesBuild();
        assertThatThrownBy(() -> db.find("notes", Query.eq("/title", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"/title\"")
                .hasMessageContaining("createIndex(\"notes\"");
    }

    @Test
    void anIndexDroppedDuringTheBuildIsNeverInstalledAndCreatingAPendingIndexWaitsForTheBuild() throws Exception {
        PikoDB db = startWhileNotesBuild();

        Runner drop = run("drop", () -> db.dropIndex("notes", "n"));
        assertThat(drop.join()).as("dropping a pending index does not wait for the build").isEqualTo(true);
        Runner create = run("create", () -> {
            db.createIndex("notes", "owner", "/owner");
            return keys(db, "notes", Query.eq("/owner", "o3"));
        });
        create.awaitWaiting();

        release.countDown();
        assertThat(create.join()).as("createIndex returned with the index built").isEqualTo(ownerThree());
        assertThat(db.listIndexes("notes")).containsExactly(Map.entry("owner", "/owner"));
        assertThatThrownBy(() -> db.find("notes", Query.eq("/n", 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"/n\"");
        db.write("notes", "k3", Map.of("owner", "o4", "n", 3));
        assertThat(keys(db, "notes", Query.eq("/owner", "o4"))).contains("k3");
        db.close();

        PikoDB again = start();
        assertThat(again.listIndexes("notes")).containsExactly(Map.entry("owner", "/owner"));
        assertThat(keys(again, "notes", Query.eq("/owner", "o4"))).contains("k3");
        assertThatThrownBy(() -> again.find("notes", Query.eq("/n", 3))).isInstanceOf(IllegalArgumentException.class);
    }

    /** More tables than build threads: the builds of as many as there are threads run, one waits. */
    private static String[] tables() {
        int threads = Runtime.getRuntime().availableProcessors();
        String[] tables = new String[threads + 1];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = "t" + i;
        }
        return tables;
    }

    /** A database started on {@link #tables()} with the running builds held, and the table whose build waits. */
    private record OneBuildWaiting(PikoDB db, String[] tables, String waiting) {
    }

    private OneBuildWaiting startWithOneBuildWaiting() throws InterruptedException {
        String[] tables = tables();
        prepare(tables);
        CountDownLatch held = holdBuilds(tables.length - 1);
        PikoDB db = start();
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        List<String> waiting = new ArrayList<>(List.of(tables));
        waiting.removeAll(entered);
        assertThat(waiting).as("one table's build waits for a thread").hasSize(1);
        return new OneBuildWaiting(db, tables, waiting.get(0));
    }

    @Test
    void deletingATableDuringItsRunningOrWaitingBuildLeavesNoIndexOfIt() throws Exception {
        OneBuildWaiting arranged = startWithOneBuildWaiting();
        PikoDB db = arranged.db();
        String[] tables = arranged.tables();
        String waiting = arranged.waiting();
        String running = entered.iterator().next();

        assertThat(db.deleteTable(waiting)).as("a waiting build holds nothing up").isTrue();
        Runner delete = run("delete", () -> db.deleteTable(running));
        delete.awaitWaiting();
        release.countDown();
        assertThat(delete.join()).isEqualTo(true);

        for (String table : List.of(waiting, running)) {
            assertThat(db.listIndexes(table)).isEmpty();
            db.write(table, "k3", note(3));
            assertThatThrownBy(() -> db.find(table, Query.eq("/owner", "o3")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (String table : tables) {
            if (!table.equals(waiting) && !table.equals(running)) {
                assertThat(keys(db, table, Query.eq("/owner", "o3"))).isEqualTo(ownerThree());
            }
        }
    }

    @Test
    void aQueryOnATableWhoseBuildWaitsForAThreadBuildsItOnItsOwn() throws Exception {
        OneBuildWaiting arranged = startWithOneBuildWaiting();
        PikoDB db = arranged.db();
        String waiting = arranged.waiting();
        assertThat(keys(db, waiting, Query.eq("/owner", "o3"))).as("answered while the other builds are held")
                .isEqualTo(ownerThree());
        assertThat(db.count(waiting, Query.range("/n", 10, 20))).isEqualTo(10);
    }

    @Test
    void closeDuringTheBuildsSkipsTheWaitingOneWaitsForTheRunningOnesAndTheNextStartBuildsAgain() throws Exception {
        OneBuildWaiting arranged = startWithOneBuildWaiting();
        PikoDB db = arranged.db();
        String[] tables = arranged.tables();
        String waiting = arranged.waiting();
        db.write(waiting, "late", Map.of("owner", "o3", "n", 5_000));

        Runner close = run("close", () -> {
            db.close();
            return null;
        });
        close.awaitWaiting();
        release.countDown();
        close.join();
        assertThat(entered).as("the waiting build was never started").doesNotContain(waiting)
                .hasSize(tables.length - 1);
        IndexBuilds.whileBuildingForTesting = null;

        PikoDB again = start();
        for (String table : tables) {
            List<String> expected = new ArrayList<>(ownerThree());
            if (table.equals(waiting)) {
                expected.add("late");
                expected.sort(null);
            }
            assertThat(keys(again, table, Query.eq("/owner", "o3"))).as(table).isEqualTo(expected);
        }
    }

    @Test
    void aFailedBuildMakesQueriesNameTheTableAndTheCauseWhileWritesGoOnAndCreateIndexBuildsAgain() throws Exception {
        prepare("notes");
        IndexBuilds.whileBuildingForTesting = table -> {
            entered.add(table);
            throw new OutOfMemoryError("no room for the indexes of " + table);
        };
        PikoDB db = start();
        // Once the background build has claimed the table, a query waits for it instead of building.
        Eventually.await(() -> entered.contains("notes"));
        assertThat(entered).containsExactly("notes");
        assertThatThrownBy(() -> db.find("notes", Query.eq("/owner", "o3"))).isInstanceOf(PikoDBException.class)
                .hasMessageContaining("table 'notes'").hasMessageContaining("\"/owner\"")
                .hasMessageContaining("no room for the indexes of notes").hasMessageContaining("createIndex");
        assertThat(db.write("notes", "new", Map.of("owner", "o3", "n", 1_000))).isEqualTo(1);
        assertThat(db.get("notes", "k3")).isEqualTo(note(3));

        db.createIndex("notes", "owner", "/owner");
        List<String> expected = new ArrayList<>(ownerThree());
        expected.add("new");
        expected.sort(null);
        assertThat(keys(db, "notes", Query.eq("/owner", "o3"))).isEqualTo(expected);
        assertThatThrownBy(() -> db.count("notes", Query.eq("/n", 3))).isInstanceOf(PikoDBException.class)
                .hasMessageContaining("\"/n\"");
    }
}
