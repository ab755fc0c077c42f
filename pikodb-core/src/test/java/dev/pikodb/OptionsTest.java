package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * DatabaseOptions: builder validation, defaults, immutability, and the options' effect on the table files
 * (their effect on every engine: {@code OptionsContract}).
 */
class OptionsTest extends PikoDBTestSupport {

    static final Dictionary A = Dictionary.deflate(Map.of("alpha", "a"));
    static final Dictionary B = Dictionary.deflate(Map.of("beta", "b"));

    public record Person(String firstName, String lastName) {
    }

    @Test
    void databaseDirectoryIsRequired() {
        assertThatThrownBy(() -> DatabaseOptions.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("databaseDirectory");
        assertThatThrownBy(() -> DatabaseOptions.builder().databaseDirectory(null).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaults() {
        DatabaseOptions options = DatabaseOptions.builder().databaseDirectory(Path.of("data")).build();

        assertThat(options.databaseDirectory()).isEqualTo(Path.of("data"));
        assertThat(options.durableWrites()).isFalse();
        assertThat(options.dictionaries()).isEmpty();
        assertThat(options.jsonMapper()).isNull();
        assertThat(options.clock()).isNotNull();
    }

    @Test
    void everySettingIsKept() {
        JsonMapper mapper = JsonMapper.builder().build();
        Clock fixed = Clock.systemUTC();
        DatabaseOptions options = DatabaseOptions.builder().databaseDirectory(dir).durableWrites(true)
                .dictionary("a", A).dictionaries(Map.of("b", B)).jsonMapper(mapper).clock(fixed).build();

        assertThat(options.databaseDirectory()).isEqualTo(dir);
        assertThat(options.durableWrites()).isTrue();
        assertThat(options.dictionaries()).isEqualTo(Map.of("a", A, "b", B));
        assertThat(options.jsonMapper()).isSameAs(mapper);
        assertThat(options.clock()).isSameAs(fixed);
    }

    @Test
    void dictionariesMapIsUnmodifiable() {
        DatabaseOptions options = DatabaseOptions.builder().databaseDirectory(dir).dictionary("a", A).build();

        assertThatThrownBy(() -> options.dictionaries().put("b", B)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> options.dictionaries().remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> options.dictionaries().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void optionsDoNotChangeWhenTheBuilderOrSourceMapChanges() {
        Map<String, Dictionary> source = new HashMap<>(Map.of("a", A));
        DatabaseOptions.Builder builder = DatabaseOptions.builder().databaseDirectory(dir).dictionaries(source);
        DatabaseOptions first = builder.build();

        source.put("b", B);
        builder.dictionary("c", B).durableWrites(true).databaseDirectory(dir.resolve("other"));

        assertThat(first.dictionaries()).containsOnlyKeys("a");
        assertThat(first.durableWrites()).isFalse();
        assertThat(first.databaseDirectory()).isEqualTo(dir);
        DatabaseOptions second = builder.build();
        assertThat(second.dictionaries()).containsOnlyKeys("a", "c");
        assertThat(second.durableWrites()).isTrue();
    }

    @Test
    void repeatedDictionariesAccumulate() {
        Map<String, Dictionary> more = new LinkedHashMap<>();
        more.put("b", B);
        DatabaseOptions options = DatabaseOptions.builder().databaseDirectory(dir)
                .dictionary("a", A).dictionaries(more).build();

        assertThat(options.dictionaries()).containsOnlyKeys("a", "b");
    }

    @Test
    void builderRejectsInvalidDictionaries() {
        DatabaseOptions.Builder builder = DatabaseOptions.builder().databaseDirectory(dir);
        assertThatThrownBy(() -> builder.dictionary(null, A)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.dictionary("", A)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.dictionary("x", null))
                .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
        assertThatThrownBy(() -> builder.dictionaries(null))
                .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
        assertThatThrownBy(() -> builder.clock(null))
                .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
    }

    @Test
    void configuredDictionariesAreAvailableFromStart() {
        reopen(b -> b.dictionary("a", A).dictionary("b", B));

        assertThat(db.listDictionaries()).containsExactlyInAnyOrder("a", "b");
        db.write("t", "k", map("alpha", 1, "beta", 2), null, "a");
        db.close();
        assertThat(tableFileEntries("t").get("k").get("d")).isEqualTo(JSON.valueToTree(map("a", 1, "beta", 2)));
    }

    @Test
    void databaseExposesItsOptions() {
        DatabaseOptions options = DatabaseOptions.builder().databaseDirectory(dir.resolve("x")).durableWrites(true).build();
        PikoDB created = new PikoDB(options);

        assertThat(created.options()).isSameAs(options);
        assertThat(created.databaseDirectory()).isEqualTo(dir.resolve("x"));
        created.close();
    }

    @Test
    void configuredJsonMapperIsUsed() {
        JsonMapper snakeCase = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
        reopen(b -> b.jsonMapper(snakeCase));

        db.write("people", "p", new Person("Ada", "Lovelace"));

        assertThat(db.get("people", "p")).isEqualTo(map("first_name", "Ada", "last_name", "Lovelace"));
        assertThat(db.get("people", "p", Person.class)).isEqualTo(new Person("Ada", "Lovelace"));
        db.close();
        assertThat(tableFileEntries("people").get("p").get("d").propertyNames())
                .containsExactlyInAnyOrder("first_name", "last_name");
    }
}
