package dev.pikodb;

import dev.pikodb.internal.directory.io.FileIO;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;

/**
 * Opens the package-private file layer hook of {@link DatabaseOptions.Builder} to the tests in other
 * packages ({@code dev.pikodb.crash}, {@code dev.pikodb.reliability}), which wrap the real file
 * system to inject I/O faults, simulate power loss or stop at chosen instants under a real database.
 */
public final class TestHooks {

    private TestHooks() {
    }

    /**
     * Makes the database built from {@code builder} perform every file operation through {@code io}.
     *
     * @param builder the options builder
     * @param io the file layer, usually a wrapper around {@link FileIO#DEFAULT}
     * @return the builder
     */
    public static DatabaseOptions.Builder withFileIO(DatabaseOptions.Builder builder, FileIO io) {
        return builder.fileIO(io);
    }

    /**
     * Makes the database built from {@code builder} run its compactions on the writing thread, right
     * after the write that made one due, instead of in the background: the file operations of a
     * workload then come in one deterministic order, for tests that stop or fail at each of them.
     *
     * @param builder the options builder
     * @return the builder
     */
    public static DatabaseOptions.Builder withInlineCompaction(DatabaseOptions.Builder builder) {
        return builder.inlineCompaction();
    }

    /**
     * Closes the file channel under a handle of the real file layer exactly as a thread interrupt
     * does: a thread whose interrupt flag is set calls the channel, which closes it for every thread.
     * The handle's next operation then finds its channel closed, as after an interrupt that arrived
     * during another thread's operation.
     *
     * @param handle a handle opened through {@link FileIO#DEFAULT}, possibly wrapped in
     *     {@link ForwardingFileIO.ForwardingHandle}s
     */
    public static void closeChannelAsAnInterruptWould(FileIO.Handle handle) {
        FileIO.Handle inner = handle;
        while (inner instanceof ForwardingFileIO.ForwardingHandle forwarding) {
            inner = forwarding.delegate;
        }
        FileChannel channel;
        try {
            Field field = inner.getClass().getDeclaredField("channel");
            field.setAccessible(true);
            channel = (FileChannel) field.get(inner);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("not a handle of the real file layer: " + inner.getClass(), e);
        }
        Thread interrupted = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                channel.size();
            } catch (IOException expected) {
                // ClosedByInterruptException: the channel is closed now, for every thread
            }
        }, "interrupted-caller");
        interrupted.start();
        try {
            interrupted.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (channel.isOpen()) {
            throw new AssertionError("the channel is still open");
        }
    }
}
