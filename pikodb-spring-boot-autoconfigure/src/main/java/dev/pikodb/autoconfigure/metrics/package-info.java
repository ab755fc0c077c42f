/**
 * Spring Boot auto-configuration of the PikoDB Micrometer meters.
 */
@NullMarked
package dev.pikodb.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
