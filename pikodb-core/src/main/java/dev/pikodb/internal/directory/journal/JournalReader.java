package dev.pikodb.internal.directory.journal;

import dev.pikodb.internal.directory.records.Records;
import java.nio.ByteBuffer;

/**
 * Replays a journal into a table's records, and tells how the journal ends.
 *
 * <p>Recovery rule: frames are applied in order until the first frame that is incomplete or whose
 * checksum does not match. If nothing valid follows it, the journal ends in a torn write (a crash
 * while appending) and the tail is cut off. If a valid frame does follow it, acknowledged data in the
 * middle of the journal is damaged: the caller keeps the file aside and reports it rather than
 * silently truncating.
 *
 * <p><b>A hole before valid frames after a power failure.</b> Without a force, the operating system
 * may write a later page of the journal back before an earlier one; after a power failure the earlier
 * one reads as zeros (or old bytes) while frames after it are intact. That case is handled like any
 * damage in the middle, on purpose, in both modes:
 * <ul>
 * <li>Replay stops at the hole, so the table is the state after a prefix of its writes, never a
 * state it never had (the frames after the hole may overwrite keys whose earlier frames were lost).</li>
 * <li>With durable writes nothing acknowledged is lost by this: every acknowledged frame was forced,
 * and a force makes every earlier byte durable, so a hole can only lie in never-acknowledged bytes.</li>
 * <li>A copy of the whole journal is kept and reported, because the reader cannot tell a power-failure
 * hole from a lost page of forced data (a disk fault), and because by default (no forces) the frames
 * after the hole may be acknowledged writes: only an operator can decide to recover them. A report
 * too many after a power failure costs a look at a file; truncating silently could hide lost data.</li>
 * </ul>
 */
public final class JournalReader {

    private JournalReader() {
    }

    /** How a journal ends. */
    public enum Ending {
        /** Every byte belongs to a valid frame. */
        CLEAN,
        /** An incomplete or bad frame at the end, with nothing valid after it. */
        TORN,
        /** A bad frame followed by at least one valid frame. */
        DAMAGED,
        /** The header itself is missing or invalid. */
        BAD_HEADER
    }

    /**
     * The outcome of a replay.
     *
     * @param ending how the journal ends
     * @param validLength bytes from the start of the file up to the end of the last valid frame
     * @param frames frames applied
     * @param table the table named in the header, or {@code null} with {@link Ending#BAD_HEADER}
     */
    public record Result(Ending ending, long validLength, int frames, String table) {
    }

    public static Result replay(byte[] bytes, Records records, JournalFormat.Interner dictionaries) {
        JournalFormat.Header header = JournalFormat.readHeader(bytes);
        if (header == null) {
            return new Result(Ending.BAD_HEADER, 0, 0, null);
        }
        int position = header.length();
        int frames = 0;
        while (position < bytes.length) {
            int payload = validFrameAt(bytes, position);
            if (payload < 0) {
                Ending ending = validFrameAfter(bytes, position + 1) ? Ending.DAMAGED : Ending.TORN;
                return new Result(ending, position, frames, header.table());
            }
            JournalFormat.Entry entry;
            try {
                entry = JournalFormat.decode(bytes, position + JournalFormat.FRAME_HEADER, payload, dictionaries);
            } catch (IllegalArgumentException e) {
                // A frame with a valid checksum but a malformed payload was not written by this format.
                return new Result(Ending.DAMAGED, position, frames, header.table());
            }
            if (entry.record() == null) {
                records.remove(entry.key());
            } else {
                records.put(entry.key(), entry.record());
            }
            frames++;
            position += JournalFormat.FRAME_HEADER + payload;
        }
        return new Result(Ending.CLEAN, position, frames, header.table());
    }

    /** The payload length of a complete frame with a matching checksum at {@code position}, else -1. */
    private static int validFrameAt(byte[] bytes, int position) {
        if (bytes.length - position < JournalFormat.FRAME_HEADER) {
            return -1;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int length = in.getInt(position);
        if (length <= 0 || length > JournalFormat.MAX_PAYLOAD
                || length > bytes.length - position - JournalFormat.FRAME_HEADER) {
            return -1;
        }
        int crc = in.getInt(position + 4);
        return crc == JournalFormat.crc(bytes, position + JournalFormat.FRAME_HEADER, length) ? length : -1;
    }

    private static boolean validFrameAfter(byte[] bytes, int from) {
        for (int position = from; position <= bytes.length - JournalFormat.FRAME_HEADER - 1; position++) {
            if (validFrameAt(bytes, position) > 0) {
                return true;
            }
        }
        return false;
    }
}
