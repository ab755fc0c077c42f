package dev.pikodb.crash;

import dev.pikodb.TestFiles;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line of the child JVMs that the kill tests start and kill (dozens per build): the
 * test class path, with a class-data-sharing archive of the classes a writer loads, so that each
 * child starts in about half the CPU time.
 *
 * <p>A dynamic CDS archive ({@code -XX:ArchiveClassesAtExit}, JDK 13+) takes classes only from
 * jars, so the class directories of the class path ({@code target/classes},
 * {@code target/test-classes}) are packed into one jar first, in class path order (the first copy of
 * a file wins, as when loading classes). The archive is made once, by a child that runs both modes
 * of {@link CrashWriter} for a few hundred operations and exits (see {@link #main}), under
 * {@code target/child-jvm/<digest>/}, where the digest covers the JDK, the class path and the name,
 * size and modification time of every file in its directories: a changed class makes a new archive,
 * and the test JVMs of one build (each surefire fork) share it, one making it while the others wait
 * on a file lock. Whatever fails on the way (a JDK without dynamic archives, say), the children run
 * on the plain class path without an archive, and only start more slowly.
 *
 * <p>JVM warnings of a child (a rejected archive, for example) go to its standard error, never to
 * its standard output, which carries the writer's protocol.
 */
final class ChildJvm {

    private static final Logger log = LoggerFactory.getLogger(ChildJvm.class);

    /** The flags of every child: a small heap, the quick compiler, unified logging to standard error. */
    private static final List<String> FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xshare:auto", "-Xlog:disable", "-Xlog:all=warning:stderr");

    /** A bound on the archive's training run, only against one that never ends. */
    private static final long TRAINING_TIMEOUT_SECONDS = 300;

    /** Operations per writer thread and mode in the training run. */
    private static final int TRAINING_OPERATIONS = 600;

    private static List<String> prefix;

    private ChildJvm() {
    }

    /** The command that runs {@code main} with {@code arguments} in a child JVM. */
    static List<String> command(Class<?> main, List<String> arguments) {
        List<String> command = new ArrayList<>(prefix());
        command.add(main.getName());
        command.addAll(arguments);
        return command;
    }

    /** The java executable, the flags and the class path (with the archive where there is one). */
    private static synchronized List<String> prefix() {
        if (prefix == null) {
            String classPath = System.getProperty("java.class.path");
            List<String> plain = new ArrayList<>(List.of(java()));
            plain.addAll(FLAGS);
            plain.addAll(List.of("-cp", classPath));
            try {
                prefix = withArchive(classPath);
            } catch (IOException | RuntimeException e) {
                log.warn("No class-data-sharing archive for the child JVMs ({}): they start on the class path {}"
                        + " without one", e.toString(), classPath);
                prefix = plain;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while making the child JVMs' class-data-sharing archive",
                        e);
            }
        }
        return prefix;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static List<String> withArchive(String classPath) throws IOException, InterruptedException {
        List<Path> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath());
            }
        }
        Path testClasses = Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path root = testClasses.getParent().resolve("child-jvm");
        Files.createDirectories(root);
        Path home = root.resolve(digest(entries));
        Path jar = home.resolve("classes.jar");
        Path archive = home.resolve("writer.jsa");
        List<String> archivedPath = new ArrayList<>();
        boolean jarAdded = false;
        for (Path entry : entries) {
            if (!Files.isDirectory(entry)) {
                archivedPath.add(entry.toString());
            } else if (!jarAdded) {
                archivedPath.add(jar.toString());
                jarAdded = true;
            }
        }
        String childClassPath = String.join(File.pathSeparator, archivedPath);
        try (FileChannel lockFile = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            if (!Files.exists(archive)) {
                long started = System.nanoTime();
                Files.createDirectories(home);
                pack(entries, jar);
                train(childClassPath, archive, home);
                log.info("Made the child JVMs' class-data-sharing archive {} ({} bytes) in {} ms", archive,
                        Files.size(archive), (System.nanoTime() - started) / 1_000_000);
            }
        }
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(FLAGS);
        command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-cp", childClassPath));
        return command;
    }

    /** A digest of the JDK, the class path and the name, size and time of every file of its directories. */
    private static String digest(List<Path> entries) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        update(digest, System.getProperty("java.home") + "\n" + System.getProperty("java.vm.version") + "\n"
                + String.join(",", FLAGS) + "\n");
        for (Path entry : entries) {
            update(digest, entry + "\n");
            if (Files.isDirectory(entry)) {
                try (Stream<Path> files = Files.walk(entry)) {
                    for (Path file : files.sorted().toList()) {
                        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                        update(digest, entry.relativize(file) + " " + attributes.size() + " "
                                + attributes.lastModifiedTime().toMillis() + "\n");
                    }
                }
            } else if (Files.exists(entry)) {
                update(digest, Files.size(entry) + " " + Files.getLastModifiedTime(entry).toMillis() + "\n");
            }
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Packs the class directories of the class path into one jar, the first copy of each file winning. */
    private static void pack(List<Path> entries, Path jar) throws IOException {
        Path partial = jar.resolveSibling(jar.getFileName() + ".partial");
        Set<String> names = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(partial))) {
            for (Path directory : entries) {
                if (!Files.isDirectory(directory)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(directory)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        String name = directory.relativize(file).toString().replace(File.separatorChar, '/');
                        if (names.add(name)) {
                            out.putNextEntry(new JarEntry(name));
                            Files.copy(file, out);
                            out.closeEntry();
                        }
                    }
                }
            }
        }
        Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Runs {@link #main} in a child that writes the archive as it exits. */
    private static void train(String classPath, Path archive, Path home) throws IOException, InterruptedException {
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Path work = Files.createTempDirectory(home, "training-");
        Path output = home.resolve("training.log");
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(FLAGS);
        command.addAll(List.of("-XX:ArchiveClassesAtExit=" + partial, "-cp", classPath, ChildJvm.class.getName(),
                work.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(TRAINING_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IOException("the training run " + command + " did not end within " + TRAINING_TIMEOUT_SECONDS
                    + " s; see " + output);
        }
        if (process.exitValue() != 0 || !Files.exists(partial)) {
            throw new IOException("the training run " + command + " exited with " + process.exitValue()
                    + " without writing " + partial + "; see " + output);
        }
        Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        TestFiles.deleteTree(work);
    }

    /**
     * The training run: both modes of {@link CrashWriter}, a few hundred operations per thread each,
     * in {@code args[0]}; the protocol goes nowhere.
     */
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true,
                StandardCharsets.UTF_8);
        for (boolean durable : new boolean[] {false, true}) {
            CrashWriter.run(work.resolve("durable-" + durable), durable, 1, 42, 2, TRAINING_OPERATIONS, discard);
        }
    }
}
