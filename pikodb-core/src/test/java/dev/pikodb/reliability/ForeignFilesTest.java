package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pikodb.IgnoredFile;
import dev.pikodb.PikoDB;
import dev.pikodb.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The store never deletes or changes a file it did not create. Files that are not tables (names of
 * the kind temporary files have, names no table may have) stay exactly where they are, through
 * start, writes, deleteTable, flush and close; each start logs them once and lists them in
 * {@link PikoDB#ignoredFiles()}. The one exception is the exact leftover of the Node.js PikoDB's
 * atomic write, {@code <table>.tmp.<13 digits>.<base 36>}, which is removed.
 */
class ForeignFilesTest {

    private static final String TABLE = "[[\"k\",{\"d\":\"v\",\"v\":1,\"t\":1732400000000,\"x\":null}]]\n";

    @TempDir
    Path dir;

    /** Files a user may keep in the directory; the Node.js PikoDB accepts most of them as table names. */
    private static Map<String, String> foreignFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("data.tmp", "user data, not a table");
        files.put("report.tmp.2024", TABLE);
        files.put("notes.tmp.final", "my notes");
        files.put("data.tmp.123.abc", TABLE);
        files.put("data.tmp.17324000000001.abc", "fourteen digits: not Date.now()");
        files.put("data.tmp.1732400000000.ABC", "upper case: not Math.random() in base 36");
        files.put("data.tmp.1732400000000.k3x9q.bak", "a suffix after the random part");
        files.put("CON", TABLE);
        return files;
    }

    @Test
    void filesTheStoreDidNotCreateAreNeverTouchedAndAreListedAndLoggedOnce() throws Exception {
        Map<String, String> foreign = foreignFiles();
        for (Map.Entry<String, String> file : foreign.entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("data"), TABLE, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("data.tmp.1732400000000.k3x9q"), "[[\"half", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("data.tmp.1732400000000."), "[[\"half", StandardCharsets.UTF_8);

        List<String> warnings;
        try (Capture capture = new Capture()) {
            try (PikoDB db = new PikoDB(dir)) {
                db.start();
                assertThat(db.listTables()).containsExactly("data");
                assertThat(db.ignoredFiles()).extracting(file -> file.file().getFileName().toString())
                        .containsExactlyInAnyOrderElementsOf(foreign.keySet());
                assertThat(db.ignoredFiles()).allSatisfy(file -> {
                    assertThat(file.reason()).isNotBlank();
                    assertThat(file.file().getParent()).isEqualTo(dir.toAbsolutePath().normalize());
                });
                assertThat(TestFiles.fileNames(dir)).as("the Node.js PikoDB's leftovers are removed")
                        .doesNotContain("data.tmp.1732400000000.k3x9q", "data.tmp.1732400000000.");

                db.write("data", "k2", "v2");
                db.flush();
                assertThat(db.deleteTable("data")).isTrue();
                db.write("data", "k3", "v3");
                db.cleanupAllExpired();
            }
            warnings = capture.messages();
        }

        for (Map.Entry<String, String> file : foreign.entrySet()) {
            assertThat(Files.readString(dir.resolve(file.getKey()), StandardCharsets.UTF_8))
                    .as("content of %s", file.getKey()).isEqualTo(file.getValue());
            assertThat(warnings.stream().filter(message -> message.contains(dir.resolve(file.getKey()) + ":")))
                    .as("warnings naming %s", file.getKey()).hasSize(1);
        }

        try (PikoDB db = new PikoDB(dir)) {
            db.start();
            assertThat(db.ignoredFiles()).extracting(IgnoredFile::file).hasSize(foreign.size());
            assertThat(db.get("data", "k3")).isEqualTo("v3");
        }
    }

    /** Captures the WARN messages of the store's engine. */
    private static final class Capture implements AutoCloseable {

        private final Logger logger = (Logger) LoggerFactory.getLogger("dev.pikodb.internal");
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        Capture() {
            appender.start();
            logger.addAppender(appender);
        }

        List<String> messages() {
            return appender.list.stream().filter(event -> event.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            appender.stop();
        }
    }
}
