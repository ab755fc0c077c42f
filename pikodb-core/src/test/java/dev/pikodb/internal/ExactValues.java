package dev.pikodb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Compares decoded values part by part, classes included. */
public final class ExactValues {

    private ExactValues() {
    }

    /**
     * Asserts equal values, with every map, list, string, number and boolean of the same class.
     *
     * @param where what is compared, for messages
     * @param actual the value read
     * @param expected the value expected
     */
    public static void assertSameValueAndTypes(String where, Object actual, Object expected) {
        if (expected == null || actual == null) {
            assertThat(actual).as(where).isEqualTo(expected);
            return;
        }
        assertThat(actual.getClass()).as(where).isEqualTo(expected.getClass());
        if (expected instanceof Map<?, ?> expectedMap) {
            Map<?, ?> actualMap = (Map<?, ?>) actual;
            assertThat(new ArrayList<>(actualMap.keySet())).as(where).isEqualTo(new ArrayList<>(expectedMap.keySet()));
            for (Map.Entry<?, ?> entry : expectedMap.entrySet()) {
                assertSameValueAndTypes(where + " ." + entry.getKey(), actualMap.get(entry.getKey()), entry.getValue());
            }
        } else if (expected instanceof List<?> expectedList) {
            List<?> actualList = (List<?>) actual;
            assertThat(actualList).as(where).hasSameSizeAs(expectedList);
            Iterator<?> actualItems = actualList.iterator();
            int index = 0;
            for (Object item : expectedList) {
                assertSameValueAndTypes(where + " [" + index++ + "]", actualItems.next(), item);
            }
        } else if (expected instanceof Double expectedDouble) {
            // Double.equals tells 0.0 from -0.0 and compares the exact bits.
            assertThat((Double) actual).as(where).isEqualTo(expectedDouble);
        } else if (!expected.equals(actual)) {
            fail(where + ": expected " + expected + " but read " + actual);
        }
    }
}
