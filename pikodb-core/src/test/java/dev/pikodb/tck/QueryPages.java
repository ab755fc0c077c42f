package dev.pikodb.tck;

import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import java.util.ArrayList;
import java.util.List;

/** Follows a query through its cursors, for tests that compare whole results across pages. */
public final class QueryPages {

    private QueryPages() {
    }

    /**
     * The keys of every page of a query, in the order returned, following each page's cursor.
     *
     * @param db the database
     * @param table the table
     * @param query the query, with or without a limit
     * @return the keys of all pages
     */
    public static List<String> keysOfAllPages(PikoDB db, String table, Query query) {
        List<String> all = new ArrayList<>();
        QueryResult page = db.find(table, query);
        page.records().forEach(entry -> all.add(entry.getKey()));
        while (page.nextCursor().isPresent()) {
            page = db.find(table, query.after(page.nextCursor().get()));
            page.records().forEach(entry -> all.add(entry.getKey()));
        }
        return all;
    }
}
