/**
 * Derived queries of PikoDB repositories answered from PikoDB indexes.
 */
package dev.pikodb.spring.data.repository.query;
