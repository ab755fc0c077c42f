package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporary files that an interrupted rewrite leaves, ours ({@code .t.compact},
 * {@code .dictionaries.new}) and exactly the Node.js PikoDB's ({@code t.tmp.<Date.now()>.<base 36>}),
 * are removed at start and never loaded as tables. Files only named like temporary files
 * ({@code t.tmp}, {@code t.tmp.123.abc}) are not tables either, but the store did not create them:
 * they stay.
 */
class LeftoversTest {

    @TempDir
    Path dir;

    @Test
    void leftoverTemporaryFilesAreRemovedAndNeverLoaded() throws Exception {
        String table = "[[\"k\",{\"d\":{\"name\":\"kept\"},\"v\":3,\"t\":1732400000000,\"x\":null}]]\n";
        Files.writeString(dir.resolve("t"), table, StandardCharsets.UTF_8);
        String half = "[[\"k\",{\"d\":{\"name\":\"half-writ";
        Files.writeString(dir.resolve(".t.compact"), half, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(".dictionaries.new"), "{\"sensors\":{\"defl", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("t.tmp"), table, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("t.tmp.123.abc"), table, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("t.tmp.1732400000000.k3x9q"), table, StandardCharsets.UTF_8);

        try (PikoDB db = new PikoDB(dir)) {
            db.start();
            assertThat(db.listTables()).isEqualTo(List.of("t"));
            assertThat(db.getRecord("t", "k").orElseThrow().version()).isEqualTo(3L);
            assertThat(db.get("t", "k")).isEqualTo(java.util.Map.of("name", "kept"));
            assertThat(db.quarantinedFiles()).isEmpty();
            assertThat(TestFiles.fileNames(dir)).as("files after start").doesNotContain(".t.compact", ".dictionaries.new",
                    "t.tmp.1732400000000.k3x9q");
            assertThat(db.ignoredFiles()).extracting(file -> file.file().getFileName().toString())
                    .containsExactlyInAnyOrder("t.tmp", "t.tmp.123.abc");
        }
        assertThat(TestFiles.fileNames(dir)).as("files after close (the lock file stays)")
                .containsExactly(".lock", "t", "t.tmp", "t.tmp.123.abc");
        assertThat(Files.readString(dir.resolve("t.tmp.123.abc"), StandardCharsets.UTF_8)).isEqualTo(table);
    }
}
