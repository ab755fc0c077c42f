package dev.pikodb.internal.directory;

import dev.pikodb.internal.directory.io.AtomicFile;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.io.FileNames;
import dev.pikodb.internal.directory.records.StoredRecord;
import dev.pikodb.internal.directory.tablefile.TableFileFormat;
import dev.pikodb.CopyProgress;
import dev.pikodb.CopySummary;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDBException;
import dev.pikodb.internal.Validation;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a {@link PointInTimeCut} as a directory database: one table file per table in the Node.js
 * PikoDB's format ({@link TableFileFormat}), the dictionaries file, and nothing else (no journal),
 * so the result opens with {@code new PikoDB(target)} and in the Node.js PikoDB as it is.
 *
 * <p>Each file is written under a hidden temporary name, forced, and renamed into place; the
 * directory is forced at the end. A backup that fails removes what it wrote, so a target either
 * ends complete or as empty as it was given.
 */
final class BackupWriter {

    private static final Logger log = LoggerFactory.getLogger(BackupWriter.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    /** Records between two progress reports. */
    private static final int REPORT_EVERY = 10_000;

    private final FileIO io;
    private final Path target;
    private final CopyProgress progress;
    private final List<Path> written = new ArrayList<>();
    private long records;
    private long bytes;
    private long expected;

    BackupWriter(FileIO io, Path target, CopyProgress progress) {
        this.io = io;
        this.target = target.toAbsolutePath().normalize();
        this.progress = progress;
    }

    /** Writes every table of the cut and the dictionaries; removes what it wrote when it fails. */
    CopySummary write(PointInTimeCut cut, Map<String, Dictionary> dictionaries, long startedNanos) {
        for (PointInTimeCut.TableView view : cut.tables()) {
            expected += view.snapshot().size();
        }
        try {
            if (!dictionaries.isEmpty()) {
                writeDictionaries(dictionaries);
            }
            for (PointInTimeCut.TableView view : cut.tables()) {
                writeTable(view, cut.now());
                view.snapshot().release();
            }
            io.forceDirectory(target);
        } catch (IOException | RuntimeException e) {
            removeWritten(e);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new PikoDBException("Cannot write the backup to " + target + ": " + e
                    + "; what was written is removed. Check that the target is writable and has free space", e);
        }
        progress.progressed(records, bytes, expected);
        return new CopySummary(target.toString(), cut.tables().size(), records, bytes,
                Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    private void writeTable(PointInTimeCut.TableView view, long now) throws IOException {
        Path file = target.resolve(view.table());
        Path temp = FileNames.compactionTemp(target, view.table());
        written.add(temp);
        written.add(file);
        Iterable<Map.Entry<String, StoredRecord>> counted = () -> counting(view.snapshot().entries().iterator(), now);
        AtomicFile.replace(io, target, file, temp, out -> TableFileFormat.write(out, counted, now), false);
        log.debug("Backed up table '{}' to {}", Validation.printable(view.table()), file);
    }

    /** Counts what the table file format writes (it leaves out what is expired at {@code now}). */
    private Iterator<Map.Entry<String, StoredRecord>> counting(Iterator<Map.Entry<String, StoredRecord>> entries,
            long now) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public Map.Entry<String, StoredRecord> next() {
                Map.Entry<String, StoredRecord> entry = entries.next();
                if (!entry.getValue().isExpired(now)) {
                    records++;
                    bytes += entry.getValue().valueLength();
                    if (records % REPORT_EVERY == 0) {
                        progress.progressed(records, bytes, expected);
                    }
                }
                return entry;
            }
        };
    }

    /** The dictionaries file, in {@link DictionaryFile}'s format. */
    private void writeDictionaries(Map<String, Dictionary> dictionaries) throws IOException {
        Map<String, Map<String, Map<String, String>>> content = new LinkedHashMap<>();
        dictionaries.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(entry -> content.put(entry.getKey(), Map.of("deflate", entry.getValue().deflateMapping())));
        Path file = target.resolve(FileNames.DICTIONARIES);
        Path temp = target.resolve(FileNames.DICTIONARIES + ".new");
        written.add(temp);
        written.add(file);
        AtomicFile.replace(io, target, file, temp, (OutputStream out) -> out.write(MAPPER.writeValueAsBytes(content)),
                false);
    }

    private void removeWritten(Exception failure) {
        for (Path path : written) {
            try {
                io.deleteIfExists(path);
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
