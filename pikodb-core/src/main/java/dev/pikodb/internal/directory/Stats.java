package dev.pikodb.internal.directory;

import dev.pikodb.PikoDBStatistics;
import java.util.concurrent.atomic.LongAdder;

/** Activity counters, updated without locks on the hot paths. */
final class Stats {

    final LongAdder reads = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder deletes = new LongAdder();
    final LongAdder writeNanos = new LongAdder();
    final LongAdder failedWrites = new LongAdder();
    final LongAdder journalBytes = new LongAdder();
    final LongAdder compactions = new LongAdder();
    final LongAdder compactionNanos = new LongAdder();
    final LongAdder expiredRemoved = new LongAdder();

    PikoDBStatistics snapshot() {
        return new PikoDBStatistics(reads.sum(), writes.sum(), deletes.sum(), writeNanos.sum(), failedWrites.sum(),
                journalBytes.sum(), compactions.sum(), compactionNanos.sum(), expiredRemoved.sum());
    }
}
