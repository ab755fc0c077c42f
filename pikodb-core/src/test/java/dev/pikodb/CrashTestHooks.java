package dev.pikodb;

import dev.pikodb.internal.FileIO;

/**
 * Opens the package-private file layer hook of {@link DatabaseOptions.Builder} to the crash-safety
 * tests in {@code dev.pikodb.crash}, which wrap the real file system to stop at chosen instants.
 */
public final class CrashTestHooks {

    private CrashTestHooks() {
    }

    /**
     * Makes the database built from {@code builder} perform every file operation through {@code io}.
     *
     * @param builder the options builder
     * @param io the file layer, usually a wrapper around {@link FileIO#DEFAULT}
     * @return the builder
     */
    public static DatabaseOptions.Builder fileIO(DatabaseOptions.Builder builder, FileIO io) {
        return builder.fileIO(io);
    }
}
