package dev.pikodb;

import dev.pikodb.internal.directory.io.FileIO;

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
}
