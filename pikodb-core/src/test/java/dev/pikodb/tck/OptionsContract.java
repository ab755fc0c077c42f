package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.Dictionary;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** The options take effect on every engine: dictionaries, JSON mapper, clock, durable writes. */
public abstract class OptionsContract extends ContractSupport {

    static final Dictionary A = Dictionary.deflate(Map.of("alpha", "a"));
    static final Dictionary B = Dictionary.deflate(Map.of("beta", "b"));

    /** A value whose property names a configured mapper renames. */
    public record Person(String firstName, String lastName) {
    }

    @Test
    void configuredDictionariesAreAvailableFromStart() {
        reopen(b -> b.dictionary("a", A).dictionary("b", B));

        assertThat(db.listDictionaries()).containsExactlyInAnyOrder("a", "b");
        db.write("t", "k", map("alpha", 1, "beta", 2), null, "a");
        assertThat(db.getRecord("t", "k").orElseThrow().dictionaryName()).isEqualTo("a");
        reopen(b -> { });
        assertThat(db.get("t", "k")).isEqualTo(map("alpha", 1, "beta", 2));
    }

    @Test
    void configuredJsonMapperIsUsed() {
        JsonMapper snakeCase = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
        reopen(b -> b.jsonMapper(snakeCase));

        db.write("people", "p", new Person("Ada", "Lovelace"));

        assertThat(db.get("people", "p")).isEqualTo(map("first_name", "Ada", "last_name", "Lovelace"));
        assertThat(db.get("people", "p", Person.class)).isEqualTo(new Person("Ada", "Lovelace"));
        reopen(b -> { });
        assertThat(db.get("people", "p")).as("stored with the configured mapper's names")
                .isEqualTo(map("first_name", "Ada", "last_name", "Lovelace"));
    }

    @Test
    void defaultMapperKeepsJavaPropertyNames() {
        db.write("people", "p", new Person("Ada", "Lovelace"));

        assertThat(db.get("people", "p")).isEqualTo(map("firstName", "Ada", "lastName", "Lovelace"));
    }

    @Test
    void configuredClockGivesTheTimestamps() {
        clock.set(42_000L);
        db.write("t", "k", 1);
        assertThat(db.getRecord("t", "k").orElseThrow().timestamp()).isEqualTo(42_000L);
    }

    @Test
    void durableWritesOptionWorks() {
        reopen(b -> b.durableWrites(true));
        assertThat(db.options().durableWrites()).isTrue();
        db.write("t", "k", 1);
        reopen(b -> b.durableWrites(true));
        assertThat(db.get("t", "k")).isEqualTo(1);
    }
}
