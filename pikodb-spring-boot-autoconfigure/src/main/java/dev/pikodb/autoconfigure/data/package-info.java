/**
 * Auto-configuration of Spring Data repositories over PikoDB.
 */
package dev.pikodb.autoconfigure.data;
