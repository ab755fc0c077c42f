package dev.pikodb;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Entry point of a separate JVM for {@link PersistenceTest}: writes records one by one and
 * acknowledges each on standard output ({@code ACK <n>}) after {@code write} returned, until it is
 * killed. It never closes the database.
 */
public final class KilledWriterProcess {

    private KilledWriterProcess() {
    }

    public static void main(String[] args) {
        Path directory = Path.of(args[0]);
        boolean durable = Boolean.parseBoolean(args[1]);
        PrintStream acknowledgements = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out),
                true, StandardCharsets.UTF_8);
        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).durableWrites(durable).build());
        db.start();
        for (int i = 0; ; i++) {
            db.write("acked", "k" + i, "value-" + i);
            db.write("acked", "last", i);
            acknowledgements.println("ACK " + i);
        }
    }
}
