/**
 * Spring Boot auto-configuration of the PikoDB health contributor.
 */
@NullMarked
package dev.pikodb.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
