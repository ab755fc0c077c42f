package dev.pikodb.crash;

import dev.pikodb.ForwardingFileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A file layer that recognises the steps of a compaction and calls {@link Listener#at} at each:
 * <ol>
 * <li>{@link Point#TEMP_PARTLY_WRITTEN}: the first bytes of {@code .<t>.compact} are written;</li>
 * <li>{@link Point#TEMP_FORCED_BEFORE_RENAME}: the temp file is complete and forced, not yet renamed;</li>
 * <li>{@link Point#RENAMED_BEFORE_DIRECTORY_FORCE}: renamed over the table file, directory not forced;</li>
 * <li>{@link Point#DIRECTORY_FORCED_BEFORE_TRUNCATION}: directory forced, journal not yet emptied;</li>
 * <li>{@link Point#JOURNAL_TRUNCATED}: the journal is cut back to its header.</li>
 * </ol>
 * The listener may copy the directory (a crash at that instant) and may throw an {@link IOException},
 * which the store then sees as the failure of that file operation.
 */
class CompactionObserver extends ForwardingFileIO {

    /** The instants of a compaction. */
    enum Point {
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
    private boolean renamed;

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
                renamed = false;
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
                renamed = false;
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
                    boolean afterCompaction;
                    synchronized (CompactionObserver.this) {
                        afterCompaction = renamed && journalOf.equals(compacting);
                        if (afterCompaction) {
                            compacting = null;
                            renamed = false;
                        }
                    }
                    if (afterCompaction) {
                        fire(Point.JOURNAL_TRUNCATED, journalOf);
                    }
                }
            };
        }
        return handle;
    }

    @Override
    public void atomicMove(Path source, Path target) throws IOException {
        String name = source.getFileName().toString();
        if (!(name.startsWith(".") && name.endsWith(".compact"))) {
            super.atomicMove(source, target);
            return;
        }
        String table = name.substring(1, name.length() - ".compact".length());
        fire(Point.TEMP_FORCED_BEFORE_RENAME, table);
        super.atomicMove(source, target);
        synchronized (this) {
            renamed = true;
        }
        fire(Point.RENAMED_BEFORE_DIRECTORY_FORCE, table);
    }

    @Override
    public void forceDirectory(Path directory) throws IOException {
        super.forceDirectory(directory);
        String table;
        synchronized (this) {
            table = renamed ? compacting : null;
        }
        if (table != null) {
            fire(Point.DIRECTORY_FORCED_BEFORE_TRUNCATION, table);
        }
    }
}
