/**
 * Spring Data KeyValue over PikoDB: {@link dev.pikodb.spring.data.PikoDBKeyValueAdapter},
 * {@link dev.pikodb.spring.data.PikoDBKeyValueTemplate}, optimistic locking through {@code @Version},
 * expiration through {@link dev.pikodb.spring.data.Expires}.
 */
package dev.pikodb.spring.data;
