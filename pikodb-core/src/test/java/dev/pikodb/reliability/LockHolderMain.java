package dev.pikodb.reliability;

import dev.pikodb.PikoDB;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A process that opens a database, writes one record, prints {@code READY} and then holds the
 * directory until it is killed or its standard input closes. Started by {@link KilledLockHolderTest}.
 */
public final class LockHolderMain {

    private LockHolderMain() {
    }

    /**
     * Runs the holder.
     *
     * @param args the database directory
     * @throws IOException when standard input fails
     */
    public static void main(String[] args) throws IOException {
        PikoDB db = new PikoDB(Path.of(args[0]));
        db.start();
        db.write("held", "pid", ProcessHandle.current().pid());
        // The parent reads this line to know that the lock is held.
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Wait to be killed.
        }
        db.close();
    }
}
