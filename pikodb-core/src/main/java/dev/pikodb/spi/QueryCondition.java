package dev.pikodb.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The conditions of a {@link dev.pikodb.Query}, as engines receive them in a {@link QueryPlan}. Each
 * leaf tests the values at one path ({@link #KEY} for the record's key); {@link #matches} states the
 * semantics every engine implements, so engines and tests can check a record against a condition.
 */
public sealed interface QueryCondition {

    /** The path that stands for the record's key ({@link dev.pikodb.Query#KEY}). */
    String KEY = "@key";

    /**
     * The paths the condition tests, {@link #KEY} included when it does.
     *
     * @return distinct paths, in the order they appear
     */
    Set<String> paths();

    /** The distinct paths of several conditions, in the order they appear. */
    private static Set<String> pathsOf(List<QueryCondition> parts) {
        Set<String> paths = new LinkedHashSet<>();
        parts.forEach(part -> paths.addAll(part.paths()));
        return paths;
    }

    /**
     * Whether a record matches.
     *
     * @param valuesAt the record's indexed values at a path (for {@link #KEY}: its key as a string);
     *     empty when it has none there
     * @return true if the record matches
     */
    boolean matches(Function<String, ? extends Collection<IndexValue>> valuesAt);

    /**
     * A condition on one path.
     */
    sealed interface Leaf extends QueryCondition {

        /**
         * The path tested.
         *
         * @return a JSON Pointer or {@link #KEY}
         */
        String path();

        /**
         * Whether one value satisfies the condition.
         *
         * @param value an indexed value at {@link #path()}
         * @return true if it does
         */
        boolean accepts(IndexValue value);

        @Override
        default Set<String> paths() {
            return Set.of(path());
        }

        @Override
        default boolean matches(Function<String, ? extends Collection<IndexValue>> valuesAt) {
            for (IndexValue value : valuesAt.apply(path())) {
                if (accepts(value)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Every record. */
    enum All implements QueryCondition {
        /** The one instance. */
        INSTANCE;

        @Override
        public Set<String> paths() {
            return Set.of();
        }

        @Override
        public boolean matches(Function<String, ? extends Collection<IndexValue>> valuesAt) {
            return true;
        }
    }

    /**
     * The value is one of {@code values} ({@code eq} is {@code in} with one value).
     *
     * @param path the path
     * @param values the values; empty matches nothing
     */
    record In(String path, Set<IndexValue> values) implements Leaf {

        /**
         * Copies the values.
         *
         * @param path the path
         * @param values the values
         */
        public In {
            values = Set.copyOf(values);
        }

        @Override
        public boolean accepts(IndexValue value) {
            return values.contains(value);
        }
    }

    /**
     * The value lies in {@code [from, to)} and is of the bounds' kind; a null bound is open. With both
     * null, any value matches.
     *
     * @param path the path
     * @param from the lower bound, inclusive, or {@code null}
     * @param to the upper bound, exclusive, or {@code null}
     */
    record Range(String path, IndexValue from, IndexValue to) implements Leaf {

        /**
         * The kind values must have, or {@code null} when both bounds are open.
         *
         * @return the kind
         */
        public IndexValue.Kind kind() {
            return from != null ? from.kind() : to != null ? to.kind() : null;
        }

        @Override
        public boolean accepts(IndexValue value) {
            IndexValue.Kind kind = kind();
            return (kind == null || value.kind() == kind)
                    && (from == null || value.compareTo(from) >= 0)
                    && (to == null || value.compareTo(to) < 0);
        }
    }

    /**
     * The value is a string that starts with {@code prefix}.
     *
     * @param path the path
     * @param prefix the prefix
     */
    record Prefix(String path, String prefix) implements Leaf {

        @Override
        public boolean accepts(IndexValue value) {
            return value.kind() == IndexValue.Kind.STRING && ((String) value.value()).startsWith(prefix);
        }
    }

    /**
     * Every part matches.
     *
     * @param parts two or more conditions
     */
    record And(List<QueryCondition> parts) implements QueryCondition {

        /**
         * Copies the parts.
         *
         * @param parts the parts
         */
        public And {
            parts = List.copyOf(parts);
        }

        @Override
        public Set<String> paths() {
            return pathsOf(parts);
        }

        @Override
        public boolean matches(Function<String, ? extends Collection<IndexValue>> valuesAt) {
            for (QueryCondition part : parts) {
                if (!part.matches(valuesAt)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Some part matches.
     *
     * @param parts two or more conditions
     */
    record Or(List<QueryCondition> parts) implements QueryCondition {

        /**
         * Copies the parts.
         *
         * @param parts the parts
         */
        public Or {
            parts = List.copyOf(parts);
        }

        @Override
        public Set<String> paths() {
            return pathsOf(parts);
        }

        @Override
        public boolean matches(Function<String, ? extends Collection<IndexValue>> valuesAt) {
            for (QueryCondition part : parts) {
                if (part.matches(valuesAt)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Both conditions, flattened; {@link All} is the neutral element.
     *
     * @param a a condition
     * @param b a condition
     * @return the conjunction
     */
    static QueryCondition and(QueryCondition a, QueryCondition b) {
        if (a == All.INSTANCE) {
            return b;
        }
        if (b == All.INSTANCE) {
            return a;
        }
        List<QueryCondition> parts = new ArrayList<>();
        for (QueryCondition each : List.of(a, b)) {
            if (each instanceof And and) {
                parts.addAll(and.parts());
            } else {
                parts.add(each);
            }
        }
        return new And(parts);
    }

    /**
     * Either condition, flattened; {@link All} absorbs.
     *
     * @param a a condition
     * @param b a condition
     * @return the disjunction
     */
    static QueryCondition or(QueryCondition a, QueryCondition b) {
        if (a == All.INSTANCE || b == All.INSTANCE) {
            return All.INSTANCE;
        }
        List<QueryCondition> parts = new ArrayList<>();
        for (QueryCondition each : List.of(a, b)) {
            if (each instanceof Or or) {
                parts.addAll(or.parts());
            } else {
                parts.add(each);
            }
        }
        return new Or(parts);
    }

    /**
     * What is wrong with a path, for messages.
     *
     * @param path a path given to a query or an index
     * @return the problem, or {@code null} when it is {@link #KEY} or a valid JSON Pointer
     */
    static String pathProblem(String path) {
        if (path == null) {
            return "The path must not be null: use a JSON Pointer such as \"/owner\", or Query.KEY";
        }
        if (path.equals(KEY)) {
            return null;
        }
        if (!path.isEmpty() && path.charAt(0) != '/') {
            return "The path \"" + path + "\" is not a JSON Pointer: it must start with '/', e.g. \"/" + path + "\"";
        }
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '~' && (i + 1 == path.length() || (path.charAt(i + 1) != '0' && path.charAt(i + 1) != '1'))) {
                return "The path \"" + path + "\" is not a JSON Pointer: '~' must be followed by 0 or 1 (RFC 6901)";
            }
        }
        return null;
    }
}
