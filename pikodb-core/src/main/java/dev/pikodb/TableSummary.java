package dev.pikodb;

/**
 * A cheap summary of one table, for monitoring. Computing it never reads values or scans records.
 *
 * @param name the table name
 * @param records records held in memory, which may include expired records not yet cleaned up
 *     (use {@link PikoDB#getTableSize(String)} for the exact live count)
 * @param fileBytes size of the table file on disk
 * @param journalBytes size of the table's journal on disk (writes since the table file was last rewritten)
 */
public record TableSummary(String name, int records, long fileBytes, long journalBytes) {

    /**
     * Bytes the table takes on disk, table file and journal together.
     *
     * @return the total size in bytes
     */
    public long bytesOnDisk() {
        return fileBytes + journalBytes;
    }
}
