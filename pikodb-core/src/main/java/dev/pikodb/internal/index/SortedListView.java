package dev.pikodb.internal.index;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * A sorted list seen as the sorted map {@link java.util.concurrent.ConcurrentSkipListMap}'s copy constructor reads in one
 * pass (it needs only the comparator and the entries, in order).
 */
final class SortedListView<K, V> extends AbstractMap<K, V> implements SortedMap<K, V> {
    private final List<Map.Entry<K, V>> sorted;
    private final Comparator<? super K> comparator;

    SortedListView(List<Map.Entry<K, V>> sorted, Comparator<? super K> comparator) {
        this.sorted = sorted;
        this.comparator = comparator;
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<K, V>> iterator() {
                return sorted.iterator();
            }

            @Override
            public int size() {
                return sorted.size();
            }
        };
    }

    @Override
    public Comparator<? super K> comparator() {
        return comparator;
    }

    @Override
    public SortedMap<K, V> subMap(K fromKey, K toKey) {
        throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<K, V> headMap(K toKey) {
        throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<K, V> tailMap(K fromKey) {
        throw new UnsupportedOperationException();
    }

    @Override
    public K firstKey() {
        return sorted.get(0).getKey();
    }

    @Override
    public K lastKey() {
        return sorted.get(sorted.size() - 1).getKey();
    }
}
