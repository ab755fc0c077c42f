/**
 * Spring Boot auto-configuration of the PikoDB actuator endpoint.
 */
@NullMarked
package dev.pikodb.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
