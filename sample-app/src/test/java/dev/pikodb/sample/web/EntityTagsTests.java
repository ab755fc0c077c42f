package dev.pikodb.sample.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

class EntityTagsTests {

    @Test
    void versionsBecomeStrongQuotedTags() {
        assertThat(EntityTags.of(1)).isEqualTo("\"1\"");
        assertThat(EntityTags.of(42)).isEqualTo("\"42\"");
    }

    @Test
    void ifMatchAcceptsTheListedVersions() {
        EntityTags.IfMatch condition = EntityTags.parseIfMatch(" \"3\", \"5\" ");
        assertThat(condition.matches(3)).isTrue();
        assertThat(condition.matches(5)).isTrue();
        assertThat(condition.matches(4)).isFalse();
    }

    @Test
    void wildcardMatchesAnyVersion() {
        EntityTags.IfMatch condition = EntityTags.parseIfMatch("*");
        assertThat(condition.matches(1)).isTrue();
        assertThat(condition.matches(99)).isTrue();
    }

    @Test
    void weakAndForeignTagsNeverMatch() {
        assertThat(EntityTags.parseIfMatch("W/\"3\"").matches(3)).isFalse();
        assertThat(EntityTags.parseIfMatch("\"abc\"").matches(3)).isFalse();
    }

    @Test
    void unquotedTagIsABadRequest() {
        assertThatThrownBy(() -> EntityTags.parseIfMatch("3"))
            .isInstanceOfSatisfying(ErrorResponseException.class,
                    ex -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST))
            .hasMessageContaining("If-Match");
    }
}
