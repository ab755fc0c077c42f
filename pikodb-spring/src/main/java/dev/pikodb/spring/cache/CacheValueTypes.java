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
 * common superclass, which Jackson can only rebuild when that class carries {@code @JsonTypeInfo};
 * elements with nothing in common but {@code Object} come back in Jackson's natural mapping.
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
        Class<?> commonClass = null;
        boolean mixed = false;
        for (Object element : elements) {
            if (element == null) {
                continue;
            }
            JavaType type = typeOf(element, types);
            if (common == null) {
                common = type;
                commonClass = type.getRawClass();
            }
            else if (!common.equals(type)) {
                mixed = true;
                commonClass = commonSuperclass(commonClass, type.getRawClass());
            }
        }
        if (common == null) {
            return types.constructType(Object.class);
        }
        return mixed ? types.constructType(commonClass) : common;
    }

    private static Class<?> commonSuperclass(Class<?> a, Class<?> b) {
        Class<?> candidate = a;
        while (candidate != null && !candidate.isAssignableFrom(b)) {
            candidate = candidate.getSuperclass();
        }
        return (candidate != null) ? candidate : Object.class;
    }
}
