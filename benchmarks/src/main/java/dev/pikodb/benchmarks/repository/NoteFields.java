package dev.pikodb.benchmarks.repository;

import java.util.List;
import java.util.Locale;

/**
 * The fields of W14's note number {@code i} in a set of {@code records}: an owner shared by 10 notes,
 * a distinct creation time, two tags, a title and a body (the notes of W13).
 *
 * @param id the id
 * @param owner the owner
 * @param created the creation time, epoch milliseconds
 * @param tags the tags
 * @param title the title
 * @param body the body
 */
public record NoteFields(String id, String owner, long created, List<String> tags, String title, String body) {

    /** The creation time of note 0. */
    public static final long EPOCH = 1_700_000_000_000L;

    /**
     * Note {@code i} stored under the id of note {@code slot}.
     *
     * @param slot whose id
     * @param i whose content
     * @param records notes in the set
     * @return the fields
     */
    public static NoteFields of(int slot, int i, int records) {
        return new NoteFields(String.format(Locale.ROOT, "note%08d", slot), owner(i, records), EPOCH + i,
                List.of("t" + (i % 7), "u" + (i % 11)), "Note number " + i,
                "Some text of the note, long enough to look like a short note in an application " + i);
    }

    /**
     * The owner of note {@code i}.
     *
     * @param i the note
     * @param records notes in the set
     * @return an owner shared by 10 notes
     */
    public static String owner(int i, int records) {
        return "user" + (i % Math.max(1, records / 10));
    }
}
