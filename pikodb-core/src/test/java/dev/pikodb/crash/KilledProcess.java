package dev.pikodb.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the tests in a child JVM, waits for the READY line it prints on standard
 * error and for the first operation its protocol acknowledges, lets it work for a given time and
 * kills it with SIGKILL; returns the complete lines of the protocol it printed on standard output.
 * The writers of the kill tests ({@link CrashWriter}, {@link OracleStressWriter}) print one line per
 * operation, an acknowledgement only after the call
 * returned, and a line starting with {@code E } when an operation failed (the caller's test fails).
 */
final class KilledProcess {

    /** The protocol's first line, which the writers print before their first operation. */
    private static final long READY_LINE = "READY\n".length();

    /**
     * How long a writer may take to start and to acknowledge its first operation: only a guard
     * against a writer that never gets there. A JVM start takes a few CPU-seconds, and on a machine
     * running dozens of other processes that can be minutes of wall-clock time.
     */
    private static final long START_TIMEOUT_SECONDS = 300;

    private KilledProcess() {
    }

    /**
     * Runs {@code main} with {@code arguments} and kills it {@code delayMillis} after its protocol
     * acknowledged its first operation.
     *
     * @param protocol where its standard output goes (deleted afterwards)
     * @param context what this run is, for failure messages (seed, round, ...)
     * @return the newline-terminated lines it printed, in order
     */
    static List<String> runAndKill(Class<?> main, List<String> arguments, Path protocol, int delayMillis,
            String context) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        // Standard output goes straight to a file: every line the writer printed is there after the kill.
        // (Through a pipe, java.lang.Process drains and closes the stream when the child exits, and the
        // last lines can be lost; they would look unacknowledged.) Standard error stays a pipe, read live
        // for the READY line and kept for diagnostics.
        builder.redirectOutput(protocol.toFile());
        Process process = builder.start();
        StderrReader stderr = new StderrReader(process.getErrorStream());
        Thread reader = new Thread(stderr, "killed-process-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            boolean ready = stderr.ready.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!ready || !process.isAlive()) {
                fail("The writer process did not become ready within " + START_TIMEOUT_SECONDS + " s (" + context
                        + "); alive=" + process.isAlive()
                        + ", stderr:\n" + stderr.text());
            }
            // The random instant of the kill counts from the writer's first acknowledged operation: on a
            // busy machine a writer can take longer than the whole delay to finish its first operation
            // (announcing one is not enough), and a round that acknowledged nothing checks nothing.
            long startedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
            while (!acknowledgedAny(protocol) && process.isAlive() && System.nanoTime() < startedBy) {
                Thread.sleep(1);
            }
            Thread.sleep(delayMillis); // the deliberate random instant of the kill
        } finally {
            process.destroyForcibly();
        }
        int exit = process.waitFor();
        reader.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(exit).as("exit status of the writer killed with SIGKILL (%s); stderr:%n%s", context, stderr.text())
                .isEqualTo(128 + 9);
        List<String> lines = completeLines(Files.readAllBytes(protocol));
        Files.delete(protocol);
        List<String> errors = lines.stream().filter(line -> line.startsWith("E ")).toList();
        assertThat(errors).as("operations that failed in the writer (%s); stderr:%n%s", context, stderr.text())
                .isEmpty();
        return lines;
    }

    /**
     * Whether the protocol holds an acknowledged operation yet: a complete line {@code W}, {@code C},
     * {@code D} or {@code X} followed by a space, as the writers print once an operation returned.
     */
    private static boolean acknowledgedAny(Path protocol) throws java.io.IOException {
        if (Files.size(protocol) <= READY_LINE) {
            return false;
        }
        for (String line : completeLines(Files.readAllBytes(protocol))) {
            if (line.length() > 1 && line.charAt(1) == ' ' && "WCDX".indexOf(line.charAt(0)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The newline-terminated lines; a last line cut by the kill acknowledges nothing and is dropped. */
    private static List<String> completeLines(byte[] bytes) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lines.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return lines;
    }

    /**
     * Reads the writer's standard error: signals its READY line (or the end of the stream), keeps the
     * rest for failure messages.
     */
    private static final class StderrReader implements Runnable {
        final CountDownLatch ready = new CountDownLatch(1);
        private final StringBuffer text = new StringBuffer();
        private final InputStream in;

        StderrReader(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.equals("READY")) {
                        ready.countDown();
                    } else if (text.length() < 100_000) {
                        text.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // The stream is closed under us when the killed process is reaped: nothing more to read.
            } finally {
                // A writer that exits before READY (it failed to start) releases the wait at once; the
                // caller sees that it is no longer alive.
                ready.countDown();
            }
        }

        String text() {
            String all = text.toString();
            return all.length() > 4_000 ? all.substring(all.length() - 4_000) : all;
        }
    }
}
