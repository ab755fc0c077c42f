package dev.pikodb.internal.directory.records;

import dev.pikodb.PikoDBStatistics;
import java.util.concurrent.atomic.LongAdder;

/** Activity counters, updated without locks on the hot paths. */
public final class Stats {

    public final LongAdder reads = new LongAdder();
    public final LongAdder writes = new LongAdder();
    public final LongAdder deletes = new LongAdder();
    public final LongAdder writeNanos = new LongAdder();
    public final LongAdder failedWrites = new LongAdder();
    public final LongAdder journalBytes = new LongAdder();
    public final LongAdder compactions = new LongAdder();
    public final LongAdder compactionNanos = new LongAdder();
    final LongAdder expiredRemoved = new LongAdder();

    public PikoDBStatistics snapshot() {
        return new PikoDBStatistics(reads.sum(), writes.sum(), deletes.sum(), writeNanos.sum(), failedWrites.sum(),
                journalBytes.sum(), compactions.sum(), compactionNanos.sum(), expiredRemoved.sum());
    }
}
