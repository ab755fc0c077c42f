package dev.pikodb;

import dev.pikodb.internal.FileIO;

/**
 * Gives the reliability tests in {@code dev.pikodb.reliability} access to the package-private file
 * layer hook of {@link DatabaseOptions.Builder}, so that they can inject I/O faults and simulate
 * power loss under a real database.
 */
public final class TestHooks {

    private TestHooks() {
    }

    /**
     * Makes the database built from {@code builder} perform every file operation through {@code io}.
     *
     * @param builder the options builder
     * @param io the file layer
     * @return the builder
     */
    public static DatabaseOptions.Builder withFileIO(DatabaseOptions.Builder builder, FileIO io) {
        return builder.fileIO(io);
    }
}
