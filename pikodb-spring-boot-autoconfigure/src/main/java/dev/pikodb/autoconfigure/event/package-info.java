/**
 * Auto-configuration that publishes PikoDB's changes as Spring application events.
 */
package dev.pikodb.autoconfigure.event;
