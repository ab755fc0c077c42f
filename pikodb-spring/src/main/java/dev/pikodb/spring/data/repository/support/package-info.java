/**
 * Support classes of PikoDB repositories.
 */
package dev.pikodb.spring.data.repository.support;
