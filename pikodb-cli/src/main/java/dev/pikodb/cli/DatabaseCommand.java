package dev.pikodb.cli;

import dev.pikodb.PikoDB;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** What every command shares: where the database is, and the output streams. */
abstract class DatabaseCommand implements Callable<Integer> {

    @Mixin
    Source source;

    @ParentCommand
    PikoDBCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The location given to this command, else the one given before its name. */
    Source location() {
        return source.or(parent == null ? null : parent.source);
    }

    /** Opens the database; read-only on a directory unless {@code writable}. */
    PikoDB open(boolean writable) {
        return location().open(writable);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
