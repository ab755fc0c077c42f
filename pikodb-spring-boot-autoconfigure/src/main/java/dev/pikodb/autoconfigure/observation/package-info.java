/**
 * Auto-configuration of PikoDB's observations: spans and timers of store, cache and repository
 * operations.
 */
package dev.pikodb.autoconfigure.observation;
