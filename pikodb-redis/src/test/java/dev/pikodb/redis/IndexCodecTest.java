package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The prefix of an index's members: its id in at least eight hexadecimal digits, then a colon. */
class IndexCodecTest {

    @Test
    void anIdIsAtLeastEightHexadecimalDigitsAndAColon() {
        assertThat(text(IndexCodec.id(0))).isEqualTo("00000000:");
        assertThat(text(IndexCodec.id(0x1a))).isEqualTo("0000001a:");
        assertThat(text(IndexCodec.id(0xfedcba98L))).isEqualTo("fedcba98:");
        assertThat(text(IndexCodec.id(0x123456789L))).isEqualTo("123456789:");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
