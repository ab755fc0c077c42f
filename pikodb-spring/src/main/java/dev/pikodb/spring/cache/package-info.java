/**
 * A persistent Spring Cache over PikoDB: {@link dev.pikodb.spring.cache.PikoDBCacheManager}.
 */
package dev.pikodb.spring.cache;
