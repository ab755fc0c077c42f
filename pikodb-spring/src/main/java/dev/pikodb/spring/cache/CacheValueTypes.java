package dev.pikodb.spring.cache;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.type.TypeFactory;

/**
 * Infers the type a cached value is read back as, from the value itself.
 *
 * <p>For a plain object it is the object's class. For a collection or map it is the collection kind
 * with the common type of its elements (keys and values for maps), inferred recursively: a
 * {@code List.of(order1, order2)} is read back as a {@code List<Order>}, a {@code Map<String, List<Order>>}
 * as such. Collection classes Jackson can create ({@code ArrayList}, {@code LinkedHashSet},
 * {@code TreeMap}, ...) are kept; any other (immutable JDK collections, views) is read back as a
 * mutable one of the same kind: a list as {@code ArrayList}, a set as {@code LinkedHashSet} (a sorted set
 * as {@code TreeSet}), a map as {@code LinkedHashMap} (a sorted map as {@code TreeMap}).
 *
 * <p>Elements of different classes are read back as their nearest common supertype that carries
 * {@code @JsonTypeInfo} (a sealed interface of records, say). Without one they meet at their closest
 * common superclass, which Jackson cannot rebuild (the entry is then a miss; the cache logs a warning
 * when it stores such a value), except numbers: numbers of mixed classes are read as {@code Number},
 * each as Jackson reads it ({@code 2L} comes back as {@code 2}). An empty collection inside another
 * takes the element type of its non-empty siblings.
 */
final class CacheValueTypes {

    private static final Set<Class<?>> CREATABLE_COLLECTIONS = Set.of(ArrayList.class, LinkedList.class,
            HashSet.class, LinkedHashSet.class, TreeSet.class, HashMap.class, LinkedHashMap.class, TreeMap.class);

    private CacheValueTypes() {
    }

    /**
     * The type a value is read back as.
     *
     * @param value the value
     * @param types the type factory
     * @param mixed collects "A and B" for each pair of unrelated element classes merged into their
     *     common superclass (which Jackson rebuilds only with {@code @JsonTypeInfo})
     */
    static JavaType typeOf(Object value, TypeFactory types, Set<String> mixed) {
        if (value == null) {
            return types.constructType(Object.class);
        }
        if (value instanceof Collection<?> collection) {
            return types.constructCollectionType(collectionClass(collection), commonType(collection, types, mixed));
        }
        if (value instanceof Map<?, ?> map) {
            return types.constructMapType(mapClass(map), commonType(map.keySet(), types, mixed),
                    commonType(map.values(), types, mixed));
        }
        return types.constructType(ClassUtils.getUserClass(value));
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Class<? extends Collection> collectionClass(Collection<?> collection) {
        Class<?> type = collection.getClass();
        if (CREATABLE_COLLECTIONS.contains(type)) {
            return (Class<? extends Collection>) type;
        }
        if (collection instanceof SortedSet) {
            return TreeSet.class;
        }
        if (collection instanceof Set) {
            return LinkedHashSet.class;
        }
        if (collection instanceof List) {
            return ArrayList.class;
        }
        return ArrayList.class;
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Class<? extends Map> mapClass(Map<?, ?> map) {
        Class<?> type = map.getClass();
        if (CREATABLE_COLLECTIONS.contains(type)) {
            return (Class<? extends Map>) type;
        }
        return (map instanceof SortedMap) ? TreeMap.class : LinkedHashMap.class;
    }

    private static JavaType commonType(Collection<?> elements, TypeFactory types, Set<String> mixed) {
        JavaType common = null;
        for (Object element : elements) {
            if (element != null) {
                JavaType type = typeOf(element, types, mixed);
                common = (common != null) ? merge(common, type, types, mixed) : type;
            }
        }
        return (common != null) ? common : types.constructType(Object.class);
    }

    /**
     * The most specific type both values can be read as: equal types stay, collections and maps of
     * one kind merge their element types (an empty one, of unknown elements, takes the other's), other
     * types meet at their nearest common supertype with {@code @JsonTypeInfo}, else at their closest
     * common superclass.
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static JavaType merge(JavaType a, JavaType b, TypeFactory types, Set<String> mixed) {
        if (a.equals(b) || b.hasRawClass(Object.class)) {
            return a;
        }
        if (a.hasRawClass(Object.class)) {
            return b;
        }
        if (a.getRawClass() == b.getRawClass()) {
            if (a.isCollectionLikeType() && Collection.class.isAssignableFrom(a.getRawClass())) {
                return types.constructCollectionType((Class<? extends Collection>) a.getRawClass(),
                        merge(a.getContentType(), b.getContentType(), types, mixed));
            }
            if (a.isMapLikeType() && Map.class.isAssignableFrom(a.getRawClass())) {
                return types.constructMapType((Class<? extends Map>) a.getRawClass(),
                        merge(a.getKeyType(), b.getKeyType(), types, mixed),
                        merge(a.getContentType(), b.getContentType(), types, mixed));
            }
        }
        Class<?> polymorphic = commonTypeInfoSupertype(a.getRawClass(), b.getRawClass());
        if (polymorphic != null) {
            return types.constructType(polymorphic);
        }
        Class<?> common = commonSuperclass(a.getRawClass(), b.getRawClass());
        if (common != Number.class) {
            mixed.add(a.getRawClass().getName() + " and " + b.getRawClass().getName());
        }
        return types.constructType(common);
    }

    /** The nearest supertype (class or interface) of both that carries {@code @JsonTypeInfo}, or null. */
    private static Class<?> commonTypeInfoSupertype(Class<?> a, Class<?> b) {
        Deque<Class<?>> queue = new ArrayDeque<>(List.of(a));
        Set<Class<?>> seen = new HashSet<>();
        while (!queue.isEmpty()) {
            Class<?> candidate = queue.poll();
            if (candidate == Object.class || !seen.add(candidate)) {
                continue;
            }
            if (candidate.isAssignableFrom(b) && AnnotationUtils.findAnnotation(candidate, JsonTypeInfo.class) != null) {
                return candidate;
            }
            if (candidate.getSuperclass() != null) {
                queue.add(candidate.getSuperclass());
            }
            queue.addAll(List.of(candidate.getInterfaces()));
        }
        return null;
    }

    private static Class<?> commonSuperclass(Class<?> a, Class<?> b) {
        Class<?> candidate = a;
        while (candidate != null && !candidate.isAssignableFrom(b)) {
            candidate = candidate.getSuperclass();
        }
        return (candidate != null) ? candidate : Object.class;
    }
}
