package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

/** A stored JSON null and a missing key both read as null, and getRecord tells them apart. */
public abstract class MissingVsNullContract extends ContractSupport {

    @Test
    void missingKeyReadsAsNullAndHasNoRecord() {
        db.write("t", "other", 1);

        assertThat(db.get("t", "missing")).isNull();
        assertThat(db.get("t", "missing", String.class)).isNull();
        assertThat(db.get("t", "missing", new TypeReference<Map<String, Object>>() { })).isNull();
        assertThat(db.getRecord("t", "missing")).isEmpty();
    }

    @Test
    void storedNullReadsAsNullButHasARecord() {
        assertThat(db.write("t", "nothing", null)).isEqualTo(1);

        assertThat(db.get("t", "nothing")).isNull();
        assertThat(db.get("t", "nothing", String.class)).isNull();
        assertThat(db.get("t", "nothing", new TypeReference<List<String>>() { })).isNull();
        DatabaseRecord record = db.getRecord("t", "nothing").orElseThrow();
        assertThat(record.value()).isNull();
        assertThat(record.version()).isEqualTo(1);
        assertThat(record.timestamp()).isEqualTo(T0);
        assertThat(record.expiration()).isNull();
        assertThat(record.dictionaryName()).isNull();
    }

    @Test
    void storedNullIsALiveKey() {
        db.write("t", "nothing", null);
        db.write("t", "something", "x");

        assertThat(db.getTableSize("t")).isEqualTo(2);
        Map<String, Object> all = asMap(db.get("t"));
        assertThat(all).containsOnlyKeys("nothing", "something");
        assertThat(all.get("nothing")).isNull();
        assertThat(db.listTables()).contains("t");
    }

    @Test
    void storedJsonNullNodeIsANullValue() {
        db.write("t", "node", JSON.getNodeFactory().nullNode());

        assertThat(db.get("t", "node")).isNull();
        assertThat(db.getRecord("t", "node")).get().extracting(DatabaseRecord::value).isNull();
    }

    @Test
    void storedNullCanBeOverwrittenAndDeleted() {
        db.write("t", "k", null);

        assertThat(db.write("t", "k", "value")).isEqualTo(2);
        assertThat(db.write("t", "k", null)).isEqualTo(3);
        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::version).isEqualTo(3L);
        assertThat(db.delete("t", "k")).isTrue();
        assertThat(db.getRecord("t", "k")).isEmpty();
        assertThat(db.delete("t", "k")).isFalse();
    }

    @Test
    void compareAndWriteTreatsStoredNullAsExisting() {
        db.write("t", "k", null);

        assertThat(db.compareAndWrite("t", "k", 0, "first")).isFalse();
        assertThat(db.get("t", "k")).isNull();
        assertThat(db.compareAndWrite("t", "k", 1, "second")).isTrue();
        assertThat(db.get("t", "k")).isEqualTo("second");
    }

    @Test
    void storedNullSurvivesRestart() {
        db.write("t", "nothing", null);

        reopen();

        assertThat(db.getRecord("t", "nothing")).get().extracting(DatabaseRecord::value).isNull();
        assertThat(db.getRecord("t", "missing")).isEmpty();
        assertThat(db.getTableSize("t")).isEqualTo(1);
    }

    @Test
    void readingAMissingTableReturnsNothing() {
        assertThat(db.get("nosuchtable", "k")).isNull();
        assertThat(db.getRecord("nosuchtable", "k")).isEmpty();
        assertThat(db.get("nosuchtable")).isEmpty();
        assertThat(db.getTableSize("nosuchtable")).isZero();
        assertThat(db.listTables()).doesNotContain("nosuchtable");
    }
}
