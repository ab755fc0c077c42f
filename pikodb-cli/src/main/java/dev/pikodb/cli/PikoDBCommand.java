package dev.pikodb.cli;

import dev.pikodb.PikoDBException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code pikodb} command: looks inside a PikoDB database on a directory or on Redis, exports,
 * imports, backs up, verifies and copies it. Commands that only read open a directory read-only
 * (nothing in it changes) and, like every command, refuse a directory that another process holds.
 */
@Command(name = "pikodb", mixinStandardHelpOptions = true, versionProvider = PikoDBCommand.Version.class,
        description = "Look inside, export, import, back up, verify and copy a PikoDB database.",
        subcommands = {InfoCommand.class, TablesCommand.class, GetCommand.class, FindCommand.class,
            ExportCommand.class, ImportCommand.class, BackupCommand.class, VerifyCommand.class, CopyCommand.class},
        footer = {"", "Examples:", "  pikodb -d /srv/app/pikodb-data info",
            "  pikodb --redis redis://localhost:6379 tables",
            "  pikodb -d /srv/app/pikodb-data backup /srv/backups/2026-12-07"})
public final class PikoDBCommand implements Runnable {

    @Mixin
    Source source;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the tool.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the tool with the given output, for tests and embedding.
     *
     * @param args the command line
     * @param out standard output
     * @param err standard error
     * @return the exit code: 0 on success, 1 when the command failed or found problems, 2 for a bad command line
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine line = new CommandLine(new PikoDBCommand());
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            String message = e instanceof PikoDBException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException || e instanceof UnsupportedOperationException
                    ? e.getMessage() : e.toString();
            commandLine.getErr().println("pikodb: " + message);
            commandLine.getErr().flush();
            return 1;
        });
        int code = line.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name a command: info, tables, get, find, export,"
                + " import, backup, verify or copy (pikodb --help lists them)");
    }

    /** The version of the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = PikoDBCommand.class.getPackage().getImplementationVersion();
            return new String[] {"pikodb " + (version == null ? "(development build)" : version)};
        }
    }
}
