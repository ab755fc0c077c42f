package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.TestFiles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory lock across processes: while another process holds a database, starting it here
 * fails with an error that names the directory and the holder's process id, and leaves no file
 * open; once the holder is killed with SIGKILL, the next start succeeds and finds its data.
 */
class KilledLockHolderTest {

    @TempDir
    Path dir;

    @Test
    void aLockHeldByAKilledProcessDoesNotBlockTheNextStart() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolderMain.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertThat(ready).as("the child's first line").isEqualTo("READY " + child.pid());

            // Warm up the classes a failing start loads, so that the descriptor count compares like with like.
            assertThatThrownBy(() -> new PikoDB(dir).start()).isInstanceOf(PikoDBException.class);
            int descriptorsBefore = TestFiles.openFileCount();

            PikoDB second = new PikoDB(dir);
            assertThatThrownBy(second::start).isInstanceOf(PikoDBException.class)
                    .hasMessageContaining(dir.toRealPath().toString())
                    .hasMessageContaining(String.valueOf(child.pid()));
            assertThat(TestFiles.openFilesUnder(dir)).as("files left open by the start that failed").isEmpty();
            assertThat(TestFiles.openFileCount()).as("open file descriptors").isEqualTo(descriptorsBefore);
            assertThat(second.isOpen()).isFalse();

            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child died").isTrue();
        } finally {
            child.destroyForcibly();
        }

        try (PikoDB db = new PikoDB(dir)) {
            db.start();
            assertThat(db.get("held", "pid")).as("the killed process's acknowledged write")
                    .isEqualTo(Math.toIntExact(child.pid()));
            assertThat(db.listTables()).isEqualTo(List.of("held"));
        }
    }
}
