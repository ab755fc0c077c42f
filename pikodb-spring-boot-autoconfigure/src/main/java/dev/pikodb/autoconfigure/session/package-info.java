/**
 * Auto-configuration of HTTP sessions stored in PikoDB.
 */
package dev.pikodb.autoconfigure.session;
