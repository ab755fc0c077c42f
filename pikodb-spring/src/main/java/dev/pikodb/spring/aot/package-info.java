/**
 * Ahead-of-time processing support: reflection hints for the types PikoDB serialises.
 */
package dev.pikodb.spring.aot;
