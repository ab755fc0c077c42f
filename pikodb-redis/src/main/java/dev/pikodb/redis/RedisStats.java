package dev.pikodb.redis;

import dev.pikodb.PikoDBStatistics;
import java.util.concurrent.atomic.LongAdder;

/** The activity counters of one {@link RedisStorage}: this instance's calls only. */
final class RedisStats {
    final LongAdder reads = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder deletes = new LongAdder();
    final LongAdder writeNanos = new LongAdder();
    final LongAdder failedWrites = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    final LongAdder expiredRemoved = new LongAdder();

    PikoDBStatistics snapshot() {
        return new PikoDBStatistics(reads.sum(), writes.sum(), deletes.sum(), writeNanos.sum(), failedWrites.sum(),
                bytesWritten.sum(), 0, 0, expiredRemoved.sum());
    }
}
