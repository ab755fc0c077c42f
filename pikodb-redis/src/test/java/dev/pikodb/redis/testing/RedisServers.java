package dev.pikodb.redis.testing;

import dev.pikodb.redis.RedisStorage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real {@code redis-server} processes for tests, on free 127.0.0.1 ports, without Docker.
 *
 * <p>The binary is the one named by the system property {@code pikodb.redis.server}, else a
 * {@code redis-server} of version 7 or later on the {@code PATH}, else the Linux or macOS binary
 * shipped in the test dependency {@code org.signal:embedded-redis} (redis-server 7.0.15), extracted
 * once per JVM to a temporary directory.
 *
 * <p>{@link #shared()} and {@link #sharedCluster()} start one server and one 3-master cluster per JVM,
 * on first use, for every test class to share with a fresh key prefix per test
 * ({@link #uniquePrefix}); {@link #start} starts a dedicated server that the caller stops. Every
 * process is stopped by its handle, and at JVM exit by a shutdown hook. A test that needs a server
 * fails, never skips, when none can be started.
 *
 * <p>Other modules can use these classes through the {@code tests} jar of {@code pikodb-redis}
 * (type {@code test-jar}); they then also need the test dependency {@code org.signal:embedded-redis}
 * for machines without a {@code redis-server}.
 */
public final class RedisServers {

    private static final Logger log = LoggerFactory.getLogger(RedisServers.class);
    private static final String EMBEDDED_VERSION = "7.0.15";
    private static final List<RedisServer> started = new CopyOnWriteArrayList<>();
    private static final AtomicLong prefixes = new AtomicLong();
    private static Path binary;
    private static Path workRoot;
    private static RedisServer shared;
    private static RedisCluster sharedCluster;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(RedisServers::stopAll, "redis-servers-stop"));
    }

    private RedisServers() {
    }

    /**
     * The server shared by every test of this JVM, started on first use.
     *
     * @return the running server
     */
    public static synchronized RedisServer shared() {
        if (shared == null || !shared.isAlive()) {
            shared = start();
        }
        return shared;
    }

    /**
     * The 3-master cluster shared by every test of this JVM, formed on first use.
     *
     * @return the running cluster
     */
    public static synchronized RedisCluster sharedCluster() {
        if (sharedCluster == null) {
            sharedCluster = RedisCluster.start(3, 0);
        }
        return sharedCluster;
    }

    /**
     * An engine over the shared server with a fresh key prefix, e.g. for a contract test:
     * {@code DatabaseOptions.builder().storage(RedisServers.standaloneStorage("t").build())}.
     *
     * @param name a readable part of the prefix, e.g. the test's name
     * @return a builder; add options or build it
     */
    public static RedisStorage.Builder standaloneStorage(String name) {
        return RedisStorage.builder().uri(shared().uri()).keyPrefix(uniquePrefix(name));
    }

    /**
     * An engine over the shared 3-master cluster with a fresh key prefix.
     *
     * @param name a readable part of the prefix, e.g. the test's name
     * @return a builder; add options or build it
     */
    public static RedisStorage.Builder clusterStorage(String name) {
        return RedisStorage.builder().clusterNodes(sharedCluster().seedUris()).keyPrefix(uniquePrefix(name));
    }

    /**
     * A key prefix no other test of this JVM uses.
     *
     * @param name a readable part, e.g. the test's name
     * @return a prefix such as {@code t-3-versions-1a2b}
     */
    public static String uniquePrefix(String name) {
        return "t-" + prefixes.incrementAndGet() + "-" + name.replaceAll("[^A-Za-z0-9_-]", "_") + "-"
                + Long.toHexString(System.nanoTime() & 0xffff);
    }

    /**
     * Starts a dedicated server (no persistence unless asked) that the caller stops.
     *
     * @param extraArguments redis-server arguments, e.g. {@code "--appendonly", "yes"}
     * @return the running server, answering PING
     * @throws IllegalStateException when no server could be started
     */
    public static RedisServer start(String... extraArguments) {
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startOnce(extraArguments);
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        throw failure;
    }

    /**
     * Starts a Redis Sentinel (the same binary, in sentinel mode) that monitors {@code master} under
     * {@code masterName} with a quorum of 1; the caller stops it.
     *
     * @param masterName the name clients ask the sentinel for, e.g. {@code mymaster}
     * @param master the server it names as master
     * @return the running sentinel, answering PING
     */
    public static RedisServer startSentinel(String masterName, RedisServer master) {
        int port = freePort();
        Path directory;
        Path config;
        try {
            directory = Files.createTempDirectory(workRoot(), "pikodb-sentinel-" + port + "-");
            config = directory.resolve("sentinel.conf");
            Files.writeString(config, "port " + port + "\nbind 127.0.0.1\nprotected-mode no\ndir " + directory
                    + "\nlogfile redis.log\nsentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " 1\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisServer sentinel = new RedisServer(List.of(binary().toString(), config.toString(), "--sentinel"), port,
                directory);
        started.add(sentinel);
        sentinel.launch();
        awaitPing(sentinel);
        log.info("Started sentinel {} for {}", sentinel, master);
        return sentinel;
    }

    private static RedisServer startOnce(String... extraArguments) {
        int port = freePort();
        Path directory;
        try {
            directory = Files.createTempDirectory(workRoot(), "pikodb-redis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(binary().toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", directory.toString(), "--logfile", "redis.log",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no",
                // A replica's full sync starts at once instead of after Redis's default 5 s, in which the
                // master waits for more replicas to share one transfer.
                "--repl-diskless-sync-delay", "0"));
        command.addAll(List.of(extraArguments));
        RedisServer server = new RedisServer(command, port, directory);
        started.add(server);
        server.launch();
        awaitPing(server);
        log.info("Started {} in {}", server, directory);
        return server;
    }

    /**
     * Where the servers' working directories go: the directory named by the system property
     * {@code pikodb.redis.dir}, else {@code /dev/shm} where it is a writable directory (Linux), else
     * the temporary directory. On {@code /dev/shm}, a file system in memory, a server with
     * {@code appendfsync always} (the contract servers) still calls fsync on every write, but the call
     * returns at once instead of waiting for a disk, which took most of the contract tests' time. No
     * test cuts a Redis server's power, so none depends on the disk.
     */
    static synchronized Path workRoot() {
        if (workRoot == null) {
            String configured = System.getProperty("pikodb.redis.dir", "");
            Path shm = Path.of("/dev/shm");
            workRoot = !configured.isBlank() ? Path.of(configured)
                    : Files.isDirectory(shm) && Files.isWritable(shm) ? shm
                    : Path.of(System.getProperty("java.io.tmpdir"));
            log.info("Working directories of redis-server under {}", workRoot);
        }
        return workRoot;
    }

    /** Waits until a just launched server answers PING, at most 10 s. */
    static void awaitPing(RedisServer server) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Process process = server.process();
            if (!process.isAlive()) {
                throw new IllegalStateException(server + " exited at start with " + process.exitValue() + ": "
                        + server.logTail() + readQuietly(server.directory().resolve("stdout.log")));
            }
            try (Resp resp = new Resp(server.port(), 1000)) {
                if ("PONG".equals(resp.text("PING"))) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            pause();
        }
        server.stop();
        throw new IllegalStateException(server + " did not answer PING within 10 s: " + server.logTail());
    }

    /** Stops every server started in this JVM and deletes their working directories. */
    public static void stopAll() {
        for (RedisServer server : started) {
            server.stop();
            deleteQuietly(server.directory());
        }
        started.clear();
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.debug("Could not delete {}: {}", directory, e.toString());
        }
    }

    static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for redis-server", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The redis-server binary, found or extracted once. */
    static synchronized Path binary() {
        if (binary == null) {
            binary = findBinary();
            log.info("Using {}", binary);
        }
        return binary;
    }

    private static Path findBinary() {
        String configured = System.getProperty("pikodb.redis.server");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, "redis-server");
            if (Files.isExecutable(candidate) && majorVersion(candidate) >= 7) {
                return candidate;
            }
        }
        return extractEmbedded();
    }

    private static int majorVersion(Path candidate) {
        try {
            Process process = new ProcessBuilder(candidate.toString(), "--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            process.waitFor(5, TimeUnit.SECONDS);
            int at = output.indexOf("v=");
            return at < 0 ? 0 : Integer.parseInt(output.substring(at + 2, output.indexOf('.', at)));
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static Path extractEmbedded() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String platform = os.contains("mac") ? "darwin" : os.contains("linux") ? "linux" : null;
        String cpu = arch.equals("aarch64") || arch.equals("arm64") ? "arm64"
                : arch.equals("amd64") || arch.equals("x86_64") ? "amd64" : null;
        if (platform == null || cpu == null) {
            throw new IllegalStateException("No redis-server on the PATH and none shipped for " + os + "/" + arch
                    + ": install Redis 7 or set -Dpikodb.redis.server=/path/to/redis-server");
        }
        String resource = "/redis-server-" + EMBEDDED_VERSION + "-" + platform + "-" + cpu;
        try (InputStream in = RedisServers.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("No redis-server on the PATH and no resource " + resource
                        + " on the test class path (dependency org.signal:embedded-redis)");
            }
            Path directory = Files.createTempDirectory("pikodb-redis-bin-");
            directory.toFile().deleteOnExit();
            Path target = directory.resolve("redis-server");
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            target.toFile().deleteOnExit();
            if (!target.toFile().setExecutable(true)) {
                throw new IllegalStateException("Cannot make " + target + " executable");
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract " + resource, e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
