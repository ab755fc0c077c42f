package dev.pikodb.spring.cache;

import java.util.ArrayList;
import java.util.Collection;
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
 * as {@code TreeSet}), a map as {@code LinkedHashMap} (a sorted map as {@code TreeMap}). Elements of different classes are read back as their closest
 * common superclass, which Jackson can only rebuild when that class carries {@code @JsonTypeInfo}
 * (numbers of mixed classes are read as {@code Number}, each as Jackson reads it: {@code 2L} comes back
 * as {@code 2}); elements with nothing in common but {@code Object} come back in Jackson's natural
 * mapping. An empty collection inside another takes the element type of its non-empty siblings.
 */
final class CacheValueTypes {

    private static final Set<Class<?>> CREATABLE_COLLECTIONS = Set.of(ArrayList.class, LinkedList.class,
            HashSet.class, LinkedHashSet.class, TreeSet.class, HashMap.class, LinkedHashMap.class, TreeMap.class);

    private CacheValueTypes() {
    }

    static JavaType typeOf(Object value, TypeFactory types) {
        if (value == null) {
            return types.constructType(Object.class);
        }
        if (value instanceof Collection<?> collection) {
            return types.constructCollectionType(collectionClass(collection), commonType(collection, types));
        }
        if (value instanceof Map<?, ?> map) {
            return types.constructMapType(mapClass(map), commonType(map.keySet(), types),
                    commonType(map.values(), types));
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

    private static JavaType commonType(Collection<?> elements, TypeFactory types) {
        JavaType common = null;
        for (Object element : elements) {
            if (element != null) {
                JavaType type = typeOf(element, types);
                common = (common != null) ? merge(common, type, types) : type;
            }
        }
        return (common != null) ? common : types.constructType(Object.class);
    }

    /**
     * The most specific type both values can be read as: equal types stay, collections and maps of
     * one kind merge their element types (an empty one, of unknown elements, takes the other's), other
     * types meet at their closest common superclass.
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static JavaType merge(JavaType a, JavaType b, TypeFactory types) {
        if (a.equals(b) || b.hasRawClass(Object.class)) {
            return a;
        }
        if (a.hasRawClass(Object.class)) {
            return b;
        }
        if (a.getRawClass() == b.getRawClass()) {
            if (a.isCollectionLikeType() && Collection.class.isAssignableFrom(a.getRawClass())) {
                return types.constructCollectionType((Class<? extends Collection>) a.getRawClass(),
                        merge(a.getContentType(), b.getContentType(), types));
            }
            if (a.isMapLikeType() && Map.class.isAssignableFrom(a.getRawClass())) {
                return types.constructMapType((Class<? extends Map>) a.getRawClass(),
                        merge(a.getKeyType(), b.getKeyType(), types), merge(a.getContentType(), b.getContentType(), types));
            }
        }
        return types.constructType(commonSuperclass(a.getRawClass(), b.getRawClass()));
    }

    private static Class<?> commonSuperclass(Class<?> a, Class<?> b) {
        Class<?> candidate = a;
        while (candidate != null && !candidate.isAssignableFrom(b)) {
            candidate = candidate.getSuperclass();
        }
        return (candidate != null) ? candidate : Object.class;
    }
}
