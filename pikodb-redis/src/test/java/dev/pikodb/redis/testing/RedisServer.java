package dev.pikodb.redis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code redis-server} process started by {@link RedisServers}, on 127.0.0.1. */
public final class RedisServer {

    private final List<String> command;
    private final int port;
    private final Path directory;
    private volatile Process process;

    RedisServer(List<String> command, int port, Path directory) {
        this.command = List.copyOf(command);
        this.port = port;
        this.directory = directory;
    }

    /** Starts the process; {@link RedisServers} then waits for it to answer. */
    void launch() {
        try {
            process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("stdout.log").toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command.get(0) + ": " + e, e);
        }
    }

    Process process() {
        return process;
    }

    /**
     * Starts a stopped or killed server again, on the same port and in the same directory (so a
     * cluster node rejoins with its node configuration); waits until it answers PING.
     */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(this + " is still running");
        }
        launch();
        RedisServers.awaitPing(this);
    }

    /**
     * The server's port on 127.0.0.1.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The URI to give {@code RedisStorage.builder().uri(...)} or {@code clusterNodes(...)}.
     *
     * @return {@code redis://127.0.0.1:<port>}
     */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * The server's working directory (its log, node configuration and append-only files).
     *
     * @return the directory
     */
    public Path directory() {
        return directory;
    }

    /**
     * Opens an administration connection.
     *
     * @return a connection; close it
     */
    public Resp admin() {
        return new Resp(port, 5000);
    }

    /**
     * Whether the process is running.
     *
     * @return true while alive
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process at once (SIGKILL), as a crash would; waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        waitGone();
    }

    /** Stops the process (SIGTERM, then SIGKILL after 5 s); waits until it is gone. Idempotent. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        waitGone();
    }

    private void waitGone() {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The server's log, for failure messages.
     *
     * @return the log's last lines, or a note that there is none
     */
    public String logTail() {
        Path log = directory.resolve("redis.log");
        try {
            if (!Files.exists(log)) {
                return "(no log)";
            }
            String text = Files.readString(log);
            return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "redis-server on 127.0.0.1:" + port + " (pid " + process.pid() + ")";
    }
}
