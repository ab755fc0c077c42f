package dev.pikodb.crash;

import dev.pikodb.ForwardingFileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A file layer that recognises the steps of a compaction and calls {@link Listener#at} at each:
 * <ol>
 * <li>{@link Point#JOURNAL_RETIRED}: a compaction due to the journal's growth has renamed the journal
 * to {@code .<t>.retired}, the directory not yet forced (flush and close have no such step);</li>
 * <li>{@link Point#TEMP_PARTLY_WRITTEN}: the first bytes of {@code .<t>.compact} are written;</li>
 * <li>{@link Point#TEMP_FORCED_BEFORE_RENAME}: the temp file is complete and forced, not yet renamed;</li>
 * <li>{@link Point#RENAMED_BEFORE_DIRECTORY_FORCE}: renamed over the table file, directory not forced;</li>
 * <li>{@link Point#DIRECTORY_FORCED_BEFORE_TRUNCATION}: directory forced, journal not yet emptied;</li>
 * <li>{@link Point#JOURNAL_TRUNCATED}: the journal is cut back to its header (flush), deleted (close),
 * or the retired journal is deleted (growth).</li>
 * </ol>
 * The listener may copy the directory (a crash at that instant) and may throw an {@link IOException},
 * which the store then sees as the failure of that file operation.
 */
class CompactionObserver extends ForwardingFileIO {

    /** The instants of a compaction. */
    enum Point {
        JOURNAL_RETIRED,
        TEMP_PARTLY_WRITTEN,
        TEMP_FORCED_BEFORE_RENAME,
        RENAMED_BEFORE_DIRECTORY_FORCE,
        DIRECTORY_FORCED_BEFORE_TRUNCATION,
        JOURNAL_TRUNCATED
    }

    /** Called at each point of each compaction, in the thread that compacts. */
    @FunctionalInterface
    interface Listener {
        void at(Point point, String table) throws IOException;
    }

    private final Listener listener;
    private String compacting;
    private boolean partlyWrittenSeen;
    // Tables whose new file is renamed in place, before and after the directory force that follows.
    private final Set<String> renamed = new LinkedHashSet<>();
    private final Set<String> directoryForced = new LinkedHashSet<>();

    CompactionObserver(Listener listener) {
        this.listener = listener;
    }

    /** Calls the listener; when it throws, the compaction is over (it failed). */
    private void fire(Point point, String table) throws IOException {
        try {
            listener.at(point, table);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                compacting = null;
                renamed.clear();
                directoryForced.clear();
            }
            throw e;
        }
    }

    @Override
    protected Handle wrap(Path path, Handle handle) {
        String name = path.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".compact")) {
            synchronized (this) {
                compacting = name.substring(1, name.length() - ".compact".length());
                partlyWrittenSeen = false;
            }
            return new ForwardingHandle(handle) {
                @Override
                public void append(ByteBuffer source) throws IOException {
                    super.append(source);
                    String table;
                    synchronized (CompactionObserver.this) {
                        table = partlyWrittenSeen ? null : compacting;
                        partlyWrittenSeen = true;
                    }
                    if (table != null) {
                        fire(Point.TEMP_PARTLY_WRITTEN, table);
                    }
                }
            };
        }
        if (name.startsWith(".") && name.endsWith(".journal")) {
            String journalOf = name.substring(1, name.length() - ".journal".length());
            return new ForwardingHandle(handle) {
                @Override
                public void truncate(long size) throws IOException {
                    super.truncate(size);
                    journalEmptied(journalOf);
                }
            };
        }
        return handle;
    }

    /** A compaction ends by emptying the journal: truncated (growth, flush), or deleted (close). */
    private void journalEmptied(String table) throws IOException {
        boolean afterCompaction;
        synchronized (this) {
            afterCompaction = directoryForced.remove(table) | renamed.remove(table);
        }
        if (afterCompaction) {
            fire(Point.JOURNAL_TRUNCATED, table);
        }
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        boolean deleted = super.deleteIfExists(path);
        String name = path.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".journal")) {
            journalEmptied(name.substring(1, name.length() - ".journal".length()));
        }
        if (name.startsWith(".") && name.endsWith(".retired")) {
            journalEmptied(name.substring(1, name.length() - ".retired".length()));
        }
        return deleted;
    }

    @Override
    public void atomicMove(Path source, Path target) throws IOException {
        String name = source.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".journal") && target.getFileName().toString().endsWith(".retired")) {
            super.atomicMove(source, target);
            fire(Point.JOURNAL_RETIRED, name.substring(1, name.length() - ".journal".length()));
            return;
        }
        if (!(name.startsWith(".") && name.endsWith(".compact"))) {
            super.atomicMove(source, target);
            return;
        }
        String table = name.substring(1, name.length() - ".compact".length());
        fire(Point.TEMP_FORCED_BEFORE_RENAME, table);
        super.atomicMove(source, target);
        synchronized (this) {
            renamed.add(table);
        }
        fire(Point.RENAMED_BEFORE_DIRECTORY_FORCE, table);
    }

    /** One directory force may cover the renames of several tables (close rewrites them all first). */
    @Override
    public void forceDirectory(Path directory) throws IOException {
        super.forceDirectory(directory);
        List<String> tables;
        synchronized (this) {
            tables = new ArrayList<>(renamed);
            renamed.clear();
            directoryForced.addAll(tables);
        }
        for (String table : tables) {
            fire(Point.DIRECTORY_FORCED_BEFORE_TRUNCATION, table);
        }
    }
}
