/**
 * Spring Boot auto-configuration for PikoDB: the store bean, its lifecycle and the scheduled cleanup of
 * expired records.
 */
@NullMarked
package dev.pikodb.autoconfigure;

import org.jspecify.annotations.NullMarked;
