package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Secondary indexes and queries: {@code createIndex}, {@code find}, {@code count}, comparison,
 * ordering, paging, and the indexes staying exact through writes, deletes, expiry, table deletion
 * and restarts. The randomized comparison with a model and paging under concurrent writes are in
 * {@link QueriesDifferentialContract}.
 */
public abstract class QueriesContract extends ContractSupport {

    /** The keys of a result, in order. */
    protected static List<String> keys(QueryResult result) {
        return result.records().stream().map(Map.Entry::getKey).toList();
    }

    /** Every page of a query, followed through its cursors. */
    protected List<String> allPages(String table, Query query) {
        return QueryPages.keysOfAllPages(db, table, query);
    }

    @Test
    void eqFindsTheRecordsWithTheValueInKeyOrder() {
        db.createIndex("notes", "owner", "/owner");
        db.write("notes", "n3", map("owner", "alice", "text", "c"));
        db.write("notes", "n1", map("owner", "alice", "text", "a"));
        db.write("notes", "n2", map("owner", "bob", "text", "b"));

        QueryResult result = db.find("notes", Query.eq("/owner", "alice"));

        assertThat(keys(result)).containsExactly("n1", "n3");
        assertThat(result.nextCursor()).isEmpty();
        DatabaseRecord n1 = result.records().get(0).getValue();
        assertThat(n1.value()).isEqualTo(map("owner", "alice", "text", "a"));
        assertThat(n1.version()).isEqualTo(1);
        assertThat(db.count("notes", Query.eq("/owner", "alice"))).isEqualTo(2);
        assertThat(db.count("notes", Query.eq("/owner", "carol"))).isZero();
    }

    @Test
    void numbersCompareExactlyWhateverTheirJavaType() {
        db.createIndex("t", "n", "/n");
        db.write("t", "int", map("n", 2));
        db.write("t", "double", map("n", 2.0));
        db.write("t", "decimal", map("n", new BigDecimal("2.000")));
        db.write("t", "big", map("n", 9_007_199_254_740_993L));
        db.write("t", "pow", map("n", 9_007_199_254_740_992L));
        db.write("t", "huge", map("n", new BigInteger("123456789012345678901234567890")));

        for (Object two : List.of(2, 2L, 2.0, 2.0f, (short) 2, (byte) 2, new BigDecimal("2.00"), BigInteger.TWO)) {
            assertThat(keys(db.find("t", Query.eq("/n", two)))).as("eq %s (%s)", two, two.getClass().getSimpleName())
                    .containsExactly("decimal", "double", "int");
        }
        assertThat(keys(db.find("t", Query.eq("/n", 9_007_199_254_740_993L)))).containsExactly("big");
        assertThat(keys(db.find("t", Query.eq("/n", 9_007_199_254_740_992L)))).containsExactly("pow");
        assertThat(keys(db.find("t", Query.range("/n", 9_007_199_254_740_992L, 9_007_199_254_740_993L))))
                .containsExactly("pow");
        assertThat(keys(db.find("t", Query.eq("/n", new BigInteger("123456789012345678901234567890")))))
                .containsExactly("huge");
        assertThat(keys(db.find("t", Query.range("/n", 1.5, 2.5)))).containsExactly("decimal", "double", "int");
    }

    @Test
    void aConditionMatchesOnlyValuesOfItsOwnKind() {
        db.createIndex("t", "v", "/v");
        db.write("t", "number", map("v", 3));
        db.write("t", "string", map("v", "3"));
        db.write("t", "true", map("v", true));
        db.write("t", "false", map("v", false));

        assertThat(keys(db.find("t", Query.range("/v", 1, 5)))).containsExactly("number");
        assertThat(keys(db.find("t", Query.range("/v", "1", "5")))).containsExactly("string");
        assertThat(keys(db.find("t", Query.range("/v", null, 100)))).containsExactly("number");
        assertThat(keys(db.find("t", Query.range("/v", "", null)))).containsExactly("string");
        assertThat(keys(db.find("t", Query.range("/v", false, true)))).containsExactly("false");
        assertThat(keys(db.find("t", Query.range("/v", true, null)))).containsExactly("true");
        assertThat(keys(db.find("t", Query.eq("/v", 1)))).as("1 is not true").isEmpty();
        assertThat(keys(db.find("t", Query.eq("/v", "true")))).isEmpty();
        assertThat(keys(db.find("t", Query.range("/v", null, null)))).as("both bounds open: any indexed value")
                .containsExactly("false", "number", "string", "true");
        assertThatThrownBy(() -> Query.range("/v", 1, "5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Query.eq("/v", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> Query.eq("/v", List.of(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Query.eq("/v", Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringsCompareByUnicodeCodePoint() {
        db.createIndex("t", "s", "/s");
        db.write("t", "private-use", map("s", "\uE000"));
        db.write("t", "emoji", map("s", "\uD83D\uDE00"));
        db.write("t", "ascii", map("s", "z"));

        assertThat(keys(db.find("t", Query.all().orderBy("/s", true)))).containsExactly("ascii", "private-use", "emoji");
        assertThat(keys(db.find("t", Query.range("/s", "\uE000", null)))).containsExactly("emoji", "private-use");
        assertThat(keys(db.find("t", Query.range("/s", "\uF000", null)))).containsExactly("emoji");
    }

    @Test
    void nullMissingAndObjectValuesAreNotIndexedAndComeLastInAnOrdering() {
        db.createIndex("t", "n", "/n");
        db.write("t", "a-null", map("n", null));
        db.write("t", "b-missing", map("other", 1));
        db.write("t", "c-object", map("n", map("x", 1)));
        db.write("t", "d-two", map("n", 2));
        db.write("t", "e-one", map("n", 1));
        db.write("t", "f-scalar", "just a string");

        assertThat(keys(db.find("t", Query.range("/n", null, null)))).containsExactly("d-two", "e-one");
        assertThat(keys(db.find("t", Query.all().orderBy("/n", true))))
                .containsExactly("e-one", "d-two", "a-null", "b-missing", "c-object", "f-scalar");
        assertThat(keys(db.find("t", Query.all().orderBy("/n", false))))
                .containsExactly("d-two", "e-one", "a-null", "b-missing", "c-object", "f-scalar");
        assertThat(allPages("t", Query.all().orderBy("/n", false).limit(2)))
                .containsExactly("d-two", "e-one", "a-null", "b-missing", "c-object", "f-scalar");
    }

    @Test
    void anArrayIsIndexedByEachElementAndItsRecordReturnedOnce() {
        db.createIndex("t", "tags", "/tags");
        db.write("t", "a", map("tags", List.of("red", "blue", "red")));
        db.write("t", "b", map("tags", List.of("blue")));
        db.write("t", "c", map("tags", List.of(5, "green", List.of("nested"))));
        db.write("t", "d", map("tags", List.of()));

        assertThat(keys(db.find("t", Query.eq("/tags", "blue")))).containsExactly("a", "b");
        assertThat(keys(db.find("t", Query.in("/tags", List.of("red", "blue"))))).containsExactly("a", "b");
        assertThat(db.count("t", Query.in("/tags", List.of("red", "blue", "green")))).isEqualTo(3);
        assertThat(keys(db.find("t", Query.eq("/tags", 5)))).containsExactly("c");
        assertThat(keys(db.find("t", Query.eq("/tags", "nested")))).isEmpty();
        // Ascending by the smallest element, descending by the largest; 5 is a number, before strings.
        assertThat(keys(db.find("t", Query.all().orderBy("/tags", true)))).containsExactly("c", "a", "b", "d");
        assertThat(keys(db.find("t", Query.all().orderBy("/tags", false)))).containsExactly("a", "c", "b", "d");
        assertThat(allPages("t", Query.all().orderBy("/tags", false).limit(1))).containsExactly("a", "c", "b", "d");
        assertThat(allPages("t", Query.range("/tags", null, null).orderBy("/tags", true).limit(1)))
                .containsExactly("c", "a", "b");
    }

    @Test
    void prefixInRangeAndOrCombine() {
        db.createIndex("people", "name", "/name");
        db.createIndex("people", "age", "/age");
        db.write("people", "1", map("name", "Ann", "age", 31));
        db.write("people", "2", map("name", "Anna", "age", 25));
        db.write("people", "3", map("name", "Bob", "age", 40));
        db.write("people", "4", map("name", "anna", "age", 25));
        db.write("people", "5", map("name", "Carl", "age", 25.5));

        assertThat(keys(db.find("people", Query.prefix("/name", "Ann")))).containsExactly("1", "2");
        assertThat(keys(db.find("people", Query.prefix("/name", "")))).containsExactly("1", "2", "3", "4", "5");
        assertThat(keys(db.find("people", Query.range("/age", 25, 26).and(Query.prefix("/name", "A")))))
                .containsExactly("2");
        assertThat(keys(db.find("people", Query.eq("/name", "Bob").or(Query.eq("/age", 31)))))
                .containsExactly("1", "3");
        assertThat(keys(db.find("people", Query.eq("/age", 25).or(Query.prefix("/name", "an")).and(Query.eq("/name", "anna")))))
                .containsExactly("4");
        assertThat(keys(db.find("people", Query.range("/age", 25, null).orderBy("/age", false))))
                .containsExactly("3", "1", "5", "2", "4");
        assertThat(db.count("people", Query.range("/age", 25, 26).or(Query.eq("/name", "Bob")))).isEqualTo(4);
        assertThat(keys(db.find("people", Query.in("/name", List.of())))).isEmpty();
        assertThatThrownBy(() -> Query.eq("/name", "x").and(Query.eq("/age", 1).limit(3)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keyConditionsAndKeyOrderingNeedNoIndex() {
        for (String key : List.of("b", "a", "c2", "c1", "d")) {
            db.write("t", key, map("k", key));
        }

        assertThat(keys(db.find("t", Query.all()))).containsExactly("a", "b", "c1", "c2", "d");
        assertThat(keys(db.find("t", Query.all().orderBy(Query.KEY, false)))).containsExactly("d", "c2", "c1", "b", "a");
        assertThat(keys(db.find("t", Query.eq(Query.KEY, "c1")))).containsExactly("c1");
        assertThat(keys(db.find("t", Query.in(Query.KEY, List.of("d", "x", "a"))))).containsExactly("a", "d");
        assertThat(keys(db.find("t", Query.range(Query.KEY, "b", "c2")))).containsExactly("b", "c1");
        assertThat(keys(db.find("t", Query.prefix(Query.KEY, "c")))).containsExactly("c1", "c2");
        assertThat(keys(db.find("t", Query.range(Query.KEY, 1, 5)))).as("keys are strings").isEmpty();
        assertThat(allPages("t", Query.all().limit(2))).containsExactly("a", "b", "c1", "c2", "d");
        assertThat(allPages("t", Query.all().orderBy(Query.KEY, false).limit(2))).containsExactly("d", "c2", "c1", "b", "a");
        assertThat(db.count("t", Query.all())).isEqualTo(5);
        assertThat(db.count("t", Query.prefix(Query.KEY, "c"))).isEqualTo(2);
        db.delete("t", "b");
        db.write("t", "bb", 1);
        assertThat(keys(db.find("t", Query.range(Query.KEY, "a", "c")))).containsExactly("a", "bb");
        assertThat(keys(db.find("missing", Query.all()))).isEmpty();
        assertThat(db.count("missing", Query.all())).isZero();
        assertThat(db.listTables()).doesNotContain("missing");
    }

    @Test
    void aConditionOrOrderingOnAPathWithoutAnIndexNamesTheTablePathAndCreateIndexCall() {
        db.createIndex("notes", "owner", "/owner");
        db.write("notes", "n", map("owner", "a", "address", map("city", "Oslo")));

        assertThatThrownBy(() -> db.find("notes", Query.eq("/address/city", "Oslo")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'notes'").hasMessageContaining("\"/address/city\"")
                .hasMessageContaining("createIndex(\"notes\", \"address.city\", \"/address/city\")");
        assertThatThrownBy(() -> db.find("notes", Query.eq("/owner", "a").orderBy("/created", true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"/created\"");
        assertThatThrownBy(() -> db.count("notes", Query.eq("/owner", "a").or(Query.eq("/text", "x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"/text\"");
        assertThatThrownBy(() -> Query.eq("owner", "a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON Pointer");
    }

    @Test
    void createIndexIndexesTheRecordsAlreadyStoredAndIsIdempotent() {
        for (int i = 0; i < 50; i++) {
            db.write("t", "k" + i, map("group", i % 5));
        }

        db.createIndex("t", "group", "/group");
        db.createIndex("t", "group", "/group");

        assertThat(db.count("t", Query.eq("/group", 3))).isEqualTo(10);
        assertThat(db.listIndexes("t")).isEqualTo(Map.of("group", "/group"));
        assertThatThrownBy(() -> db.createIndex("t", "group", "/other")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'group'").hasMessageContaining("/group");
        db.createIndex("t", "whole", "");
        db.write("t", "s", "plain");
        assertThat(keys(db.find("t", Query.eq("", "plain")))).containsExactly("s");
        assertThat(db.listIndexes("t")).containsOnlyKeys("group", "whole");
        assertThatThrownBy(() -> db.createIndex("t", "", "/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> db.createIndex("t", "x", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> db.createIndex("t", "x", Query.KEY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dropIndexRemovesTheIndexAndItsDefinition() {
        db.createIndex("t", "g", "/g");
        db.write("t", "a", map("g", 1));

        assertThat(db.dropIndex("t", "g")).isTrue();
        assertThat(db.dropIndex("t", "g")).isFalse();

        assertThat(db.listIndexes("t")).isEmpty();
        assertThatThrownBy(() -> db.find("t", Query.eq("/g", 1))).isInstanceOf(IllegalArgumentException.class);
        reopen();
        assertThat(db.listIndexes("t")).isEmpty();
        db.createIndex("t", "g2", "/g");
        assertThat(keys(db.find("t", Query.eq("/g", 1)))).containsExactly("a");
    }

    @Test
    void dictionariesAreInvisibleToIndexes() {
        db.addDictionary("d", Dictionary.deflate(Map.of("owner", "o", "address", "a", "city", "c")));
        db.createIndex("t", "owner", "/owner");
        db.createIndex("t", "city", "/address/city");
        db.write("t", "x", map("owner", "alice", "address", map("city", "Oslo")), null, "d");
        db.write("t", "y", map("owner", "alice", "address", map("city", "Rome")));

        assertThat(keys(db.find("t", Query.eq("/owner", "alice")))).containsExactly("x", "y");
        assertThat(keys(db.find("t", Query.eq("/address/city", "Oslo")))).containsExactly("x");
        assertThat(db.find("t", Query.eq("/address/city", "Oslo")).records().get(0).getValue().value())
                .isEqualTo(map("owner", "alice", "address", map("city", "Oslo")));
        reopen();
        assertThat(keys(db.find("t", Query.eq("/address/city", "Oslo")))).as("rebuilt at start").containsExactly("x");
    }

    @Test
    void overwritesAndDeletesKeepTheIndexExact() {
        db.createIndex("t", "s", "/status");
        db.write("t", "a", map("status", "open"));
        db.write("t", "b", map("status", "open"));

        db.write("t", "a", map("status", "closed"));
        db.delete("t", "b");
        db.write("t", "c", map("other", 1));
        assertThat(db.compareAndWrite("t", "c", 1, map("status", "open"))).isTrue();

        assertThat(keys(db.find("t", Query.eq("/status", "open")))).containsExactly("c");
        assertThat(keys(db.find("t", Query.eq("/status", "closed")))).containsExactly("a");
        assertThat(db.find("t", Query.eq("/status", "closed")).records().get(0).getValue().version()).isEqualTo(2);
        assertThat(keys(db.find("t", Query.all().orderBy("/status", true)))).containsExactly("a", "c");
        db.write("t", "a", map("other", 2));
        assertThat(keys(db.find("t", Query.all().orderBy("/status", true)))).containsExactly("c", "a");
        assertThat(db.count("t", Query.range("/status", null, null))).isEqualTo(1);
    }

    @Test
    void expiredRecordsAreNeverReturnedOrCounted() {
        db.createIndex("t", "g", "/g");
        db.write("t", "short", map("g", 1), T0 + 1_000);
        db.write("t", "long", map("g", 1), T0 + 10_000);
        db.write("t", "forever", map("g", 1));

        clock.set(T0 + 5_000);

        assertThat(keys(db.find("t", Query.eq("/g", 1)))).containsExactly("forever", "long");
        assertThat(db.count("t", Query.eq("/g", 1))).isEqualTo(2);
        assertThat(keys(db.find("t", Query.all().orderBy("/g", true)))).containsExactly("forever", "long");
        assertThat(keys(db.find("t", Query.all()))).containsExactly("forever", "long");
        clock.set(T0 + 20_000);
        assertThat(db.cleanupExpired("t")).isEqualTo(1);
        assertThat(keys(db.find("t", Query.eq("/g", 1)))).containsExactly("forever");
        assertThat(db.count("t", Query.all())).isEqualTo(1);
        db.write("t", "long", map("g", 2));
        assertThat(keys(db.find("t", Query.eq("/g", 2)))).containsExactly("long");
        assertThat(db.getRecord("t", "long").orElseThrow().version()).as("an expired key starts again at 1").isEqualTo(1);
    }

    @Test
    void deleteTableTakesItsIndexesAlong() {
        db.createIndex("t", "g", "/g");
        db.write("t", "a", map("g", 1));

        assertThat(db.deleteTable("t")).isTrue();

        assertThat(db.listIndexes("t")).isEmpty();
        assertThatThrownBy(() -> db.find("t", Query.eq("/g", 1))).isInstanceOf(IllegalArgumentException.class);
        db.write("t", "b", map("g", 1));
        db.createIndex("t", "g", "/g");
        assertThat(keys(db.find("t", Query.eq("/g", 1)))).containsExactly("b");
        reopen();
        assertThat(db.listIndexes("t")).containsOnlyKeys("g");
        assertThat(keys(db.find("t", Query.eq("/g", 1)))).containsExactly("b");
    }

    @Test
    void definitionsPersistAcrossRestartAlsoForATableWithoutRecords() {
        db.createIndex("empty", "owner", "/owner");
        db.createIndex("notes", "owner", "/owner");
        db.createIndex("notes", "tags", "/tags");
        db.write("notes", "n1", map("owner", "alice", "tags", List.of("x")));
        db.flush();

        reopen();

        assertThat(db.listIndexes("notes")).isEqualTo(Map.of("owner", "/owner", "tags", "/tags"));
        assertThat(db.listIndexes("empty")).isEqualTo(Map.of("owner", "/owner"));
        assertThat(db.listTables()).doesNotContain("empty");
        assertThat(storedTables()).doesNotContain("empty");
        assertThat(keys(db.find("notes", Query.eq("/tags", "x")))).containsExactly("n1");
        db.write("empty", "e", map("owner", "bob"));
        assertThat(keys(db.find("empty", Query.eq("/owner", "bob")))).containsExactly("e");
        db.write("notes", "n2", map("owner", "alice"));
        reopen();
        assertThat(keys(db.find("notes", Query.eq("/owner", "alice")))).as("records written since, rebuilt at start")
                .containsExactly("n1", "n2");
    }

    @Test
    void limitCutsAndTheCursorContinuesInOrder() {
        db.createIndex("t", "n", "/n");
        for (int i = 0; i < 10; i++) {
            db.write("t", "k" + i, map("n", i % 3));
        }

        QueryResult first = db.find("t", Query.range("/n", 0, null).orderBy("/n", true).limit(4));
        assertThat(keys(first)).containsExactly("k0", "k3", "k6", "k9");
        assertThat(first.nextCursor()).isPresent();
        QueryResult second = db.find("t", Query.range("/n", 0, null).orderBy("/n", true).limit(4)
                .after(first.nextCursor().get()));
        assertThat(keys(second)).containsExactly("k1", "k4", "k7", "k2");
        QueryResult third = db.find("t", Query.range("/n", 0, null).orderBy("/n", true).limit(4)
                .after(second.nextCursor().get()));
        assertThat(keys(third)).containsExactly("k5", "k8");
        assertThat(third.nextCursor()).isEmpty();
        assertThat(db.find("t", Query.all().limit(10)).nextCursor()).as("nothing cut").isEmpty();
        assertThat(allPages("t", Query.eq("/n", 1).orderBy("/n", false).limit(1))).containsExactly("k1", "k4", "k7");

        String cursor = first.nextCursor().get();
        assertThatThrownBy(() -> db.find("t", Query.all().orderBy("/n", false).after(cursor)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ordered by /n ascending");
        assertThatThrownBy(() -> db.find("t", Query.all().after("not-a-cursor")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a query cursor");
        assertThatThrownBy(() -> Query.all().limit(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pagingReturnsEachUnchangedRecordOnceInOrderWhileOthersAreWritten() {
        db.createIndex("t", "n", "/n");
        for (int i = 0; i < 40; i++) {
            db.write("t", String.format("s%02d", i), map("n", i));
        }
        Query query = Query.range("/n", 0, 1000).orderBy("/n", true).limit(7);
        List<String> seen = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        QueryResult page = db.find("t", query);
        int round = 0;
        while (true) {
            for (Map.Entry<String, DatabaseRecord> entry : page.records()) {
                seen.add(entry.getKey());
                values.add(((Number) ((Map<?, ?>) entry.getValue().value()).get("n")).intValue());
            }
            if (page.nextCursor().isEmpty()) {
                break;
            }
            // Between pages: new matching records before and after the cursor, churn moved across it.
            db.write("t", "early" + round, map("n", -1 + round % 2));
            db.write("t", "late" + round, map("n", 500 + round));
            db.write("t", "churn", map("n", round % 2 == 0 ? 1 : 900));
            db.delete("t", "late" + (round - 1));
            round++;
            page = db.find("t", query.after(page.nextCursor().get()));
        }

        for (int i = 0; i < 40; i++) {
            assertThat(seen).as("unchanged record s%02d exactly once", i).containsOnlyOnce(String.format("s%02d", i));
        }
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(values).isSorted();
    }
}
