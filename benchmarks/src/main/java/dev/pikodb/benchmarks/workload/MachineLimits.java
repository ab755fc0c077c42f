package dev.pikodb.benchmarks.workload;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.Sampler;
import dev.pikodb.benchmarks.UserProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * What the machine allows at best, measured in the same run: appending one record to a file and
 * forcing it to stable storage, and decoding one record's JSON with Jackson.
 */
public final class MachineLimits {

    /** Row name of the append+force limit. */
    public static final String APPEND_FORCE = "Limit: 200 B append + force";
    /** Row name of the decode-to-Map limit. */
    public static final String DECODE_MAP = "Limit: Jackson bytes -> Map";
    /** Row name of the decode-to-record limit. */
    public static final String DECODE_TYPED = "Limit: Jackson bytes -> UserProfile";
    /** Store column of the limits. */
    public static final String MACHINE = "machine";

    private static final int RECORD_BYTES = 200;

    private final BenchConfig config;
    private final Profiles profiles;
    private long sink;

    /**
     * Creates the measurements.
     *
     * @param config the run's configuration
     * @param profiles the records to decode
     */
    public MachineLimits(BenchConfig config, Profiles profiles) {
        this.config = config;
        this.profiles = profiles;
    }

    /**
     * Appends {@value #RECORD_BYTES}-byte records to a new file, each followed by
     * {@code FileChannel.force(false)}.
     *
     * @param directory a directory on the file system the stores use
     * @return a repetition returning appends per second
     */
    public DoubleSupplier appendAndForce(Path directory) {
        byte[] record = new byte[RECORD_BYTES];
        Arrays.fill(record, (byte) 'x');
        record[RECORD_BYTES - 1] = '\n';
        int[] file = {0};
        return () -> {
            Path path = directory.resolve("append-" + file[0]++ + ".log");
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(record);
                long start = System.nanoTime();
                for (int i = 0; i < config.durableWrites(); i++) {
                    buffer.rewind();
                    channel.write(buffer);
                    channel.force(false);
                }
                return Sampler.perSecond(config.durableWrites(), start);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot append to " + path, e);
            } finally {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    sink++;
                }
            }
        };
    }

    /**
     * Decodes serialised profiles, to {@code Map} or to {@link UserProfile}.
     *
     * @param typed decode to {@link UserProfile} rather than to {@code Map}
     * @return a repetition returning decodes per second
     */
    public DoubleSupplier decode(boolean typed) {
        byte[][] encoded = new byte[64][];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = Profiles.MAPPER.writeValueAsBytes(profiles.value(i));
        }
        if (typed) {
            return () -> {
                long start = System.nanoTime();
                for (int i = 0; i < config.pointReads(); i++) {
                    sink += Profiles.MAPPER.readValue(encoded[i & 63], UserProfile.class).age();
                }
                return Sampler.perSecond(config.pointReads(), start);
            };
        }
        return () -> {
            long start = System.nanoTime();
            for (int i = 0; i < config.pointReads(); i++) {
                sink += Profiles.MAPPER.readValue(encoded[i & 63], Map.class).size();
            }
            return Sampler.perSecond(config.pointReads(), start);
        };
    }

    /**
     * A value derived from everything decoded, so the JIT cannot drop the decodes.
     *
     * @return the accumulated value
     */
    public long sink() {
        return sink;
    }
}
