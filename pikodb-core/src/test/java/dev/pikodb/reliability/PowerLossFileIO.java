package dev.pikodb.reliability;

import dev.pikodb.ForwardingFileIO;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.TestFiles;
import dev.pikodb.internal.directory.io.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A {@link FileIO} over the real file system that also models what a power failure would leave,
 * in the manner of H2's power-off tests. Every file (inode) has the content written so far and the
 * content last forced ("durable"); the directory has its current names and the names as they were at
 * the last {@code forceDirectory} (creates, renames and deletes not followed by one are lost, so a
 * rename not yet made durable reverts to the old name and content). After every changing call a
 * listener may take an {@link Image} of both, from which {@link Image#materialise} writes the
 * files a power failure at that instant could leave.
 */
final class PowerLossFileIO extends ForwardingFileIO {

    /** What a file's unforced content turns into after the power failure. */
    enum Content {
        /** The file is cut back to what was last forced. */
        LAST_FORCED,
        /** The file keeps its length but the bytes written since the last force are zeros. */
        UNFORCED_ZEROED,
        /** Half of the bytes appended since the last force reached the disk (a torn write). */
        HALF_OF_UNFORCED,
        /**
         * The later half of the bytes appended since the last force reached the disk, the earlier half
         * did not (it reads as zeros): the page cache wrote back a later page before an earlier one, so
         * a later frame survives while an earlier unforced one is lost.
         */
        LATER_SURVIVES_EARLIER_LOST
    }

    /** Which directory entries survive. */
    enum Names {
        /** Only the entries as of the last directory force. */
        LAST_FORCED,
        /** Every entry as it is (a file system that orders metadata before the crash). */
        CURRENT
    }

    private static final class Inode {
        byte[] written;
        byte[] forced;

        Inode(byte[] written, byte[] forced) {
            this.written = written;
            this.forced = forced;
        }
    }

    /** Both views of one file at a crash point. */
    record FileImage(byte[] written, byte[] forced) {
    }

    /** The state of the directory at one instant. */
    record Image(Map<String, FileImage> current, Map<String, FileImage> durable) {

        /** Writes into {@code target} the files a power failure would leave, under the given model. */
        void materialise(Path target, Names names, Content content) {
            try {
                Files.createDirectories(target);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            surviving(names, content).forEach((name, bytes) -> TestFiles.write(target.resolve(name), bytes));
        }

        /** The files a power failure would leave under the given model, by name, without writing them. */
        Map<String, byte[]> surviving(Names names, Content content) {
            Map<String, FileImage> entries = names == Names.CURRENT ? current : durable;
            Map<String, byte[]> files = new TreeMap<>();
            entries.forEach((name, file) -> files.put(name, surviving(file, content)));
            return files;
        }

        /**
         * A digest of a set of surviving files (names, lengths and bytes): two sets with the same digest
         * hold the same files with the same bytes, and a restart makes the same of them.
         */
        static String digest(Map<String, byte[]> files) {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                files.forEach((name, bytes) -> {
                    digest.update(name.getBytes(StandardCharsets.UTF_8));
                    digest.update((byte) 0);
                    digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
                    digest.update(bytes);
                });
                return HexFormat.of().formatHex(digest.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }

        private static byte[] surviving(FileImage file, Content content) {
            byte[] forced = file.forced();
            byte[] written = file.written();
            boolean appended = written.length > forced.length
                    && Arrays.equals(written, 0, forced.length, forced, 0, forced.length);
            if (!appended || content == Content.LAST_FORCED) {
                return forced;
            }
            if (content == Content.UNFORCED_ZEROED) {
                return Arrays.copyOf(forced, written.length);
            }
            if (content == Content.LATER_SURVIVES_EARLIER_LOST) {
                byte[] surviving = written.clone();
                Arrays.fill(surviving, forced.length, forced.length + (written.length - forced.length) / 2, (byte) 0);
                return surviving;
            }
            return Arrays.copyOf(written, forced.length + (written.length - forced.length) / 2);
        }
    }

    private final Path directory;
    private final Map<String, Inode> current = new TreeMap<>();
    private Map<String, Inode> durable = new TreeMap<>();
    private Consumer<String> listener = call -> { };

    /** Models a directory whose files (all but the lock) are all on stable storage now. */
    PowerLossFileIO(Path directory) {
        // Forces are modelled, not performed: the real disk is never powered off here.
        super(NoSyncFileIO.INSTANCE);
        this.directory = directory;
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (!name.equals(".lock")) {
                    byte[] content = Files.readAllBytes(file);
                    current.put(name, new Inode(content, content));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        durable.putAll(current);
    }

    /** Calls {@code listener} after every call that changes a file or the directory. */
    synchronized void onChange(Consumer<String> listener) {
        this.listener = listener;
    }

    /** The current and the durable state. */
    synchronized Image image() {
        return new Image(copy(current), copy(durable));
    }

    private static Map<String, FileImage> copy(Map<String, Inode> entries) {
        Map<String, FileImage> copy = new LinkedHashMap<>();
        entries.forEach((name, inode) -> copy.put(name, new FileImage(inode.written, inode.forced)));
        return copy;
    }

    private String nameOf(Path path) {
        if (!path.toAbsolutePath().getParent().equals(directory.toAbsolutePath())) {
            throw new AssertionError("file operation outside the database directory: " + path);
        }
        return path.getFileName().toString();
    }

    private void changed(String call) {
        listener.accept(call);
    }

    @Override
    public Handle open(Path path, boolean create, boolean truncate) throws IOException {
        Handle handle = super.open(path, create, truncate);
        Inode inode;
        synchronized (this) {
            String name = nameOf(path);
            inode = current.get(name);
            if (inode == null) {
                inode = new Inode(new byte[0], new byte[0]);
                current.put(name, inode);
            } else if (truncate) {
                inode.written = new byte[0];
            }
        }
        changed("open " + path.getFileName() + (create ? " create" : "") + (truncate ? " truncate" : ""));
        return new SimulatedHandle(handle, inode, path);
    }

    @Override
    public void atomicMove(Path source, Path target) throws IOException {
        super.atomicMove(source, target);
        synchronized (this) {
            Inode inode = current.remove(nameOf(source));
            if (inode == null) {
                throw new AssertionError("rename of an unknown file " + source);
            }
            current.put(nameOf(target), inode);
        }
        changed("rename " + source.getFileName() + " -> " + target.getFileName());
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        super.forceDirectory(dir);
        synchronized (this) {
            if (!dir.toAbsolutePath().equals(directory.toAbsolutePath())) {
                throw new AssertionError("force of another directory " + dir);
            }
            durable = new TreeMap<>(current);
        }
        changed("force directory");
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        boolean deleted = super.deleteIfExists(path);
        synchronized (this) {
            current.remove(nameOf(path));
        }
        changed("delete " + path.getFileName());
        return deleted;
    }

    private final class SimulatedHandle extends ForwardingHandle {

        private final Inode inode;
        private final Path path;

        SimulatedHandle(Handle handle, Inode inode, Path path) {
            super(handle);
            this.inode = inode;
            this.path = path;
        }

        @Override
        public void append(ByteBuffer source) throws IOException {
            ByteBuffer copy = source.duplicate();
            super.append(source);
            synchronized (PowerLossFileIO.this) {
                byte[] grown = Arrays.copyOf(inode.written, inode.written.length + copy.remaining());
                copy.get(grown, inode.written.length, copy.remaining());
                inode.written = grown;
            }
            changed("append " + path.getFileName());
        }

        @Override
        public void force() throws IOException {
            super.force();
            synchronized (PowerLossFileIO.this) {
                inode.forced = inode.written;
            }
            changed("force " + path.getFileName());
        }

        @Override
        public void truncate(long size) throws IOException {
            super.truncate(size);
            synchronized (PowerLossFileIO.this) {
                inode.written = Arrays.copyOf(inode.written, (int) Math.min(size, inode.written.length));
            }
            changed("truncate " + path.getFileName());
        }
    }
}
