/**
 * Auto-configuration of a Spring Cache backed by PikoDB, and of its meters.
 */
package dev.pikodb.autoconfigure.cache;
