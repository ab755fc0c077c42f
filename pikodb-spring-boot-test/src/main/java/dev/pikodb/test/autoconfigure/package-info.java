/**
 * Test support for applications that use PikoDB: the {@link dev.pikodb.test.autoconfigure.PikoDBTest}
 * slice and {@link dev.pikodb.test.autoconfigure.AutoConfigurePikoDB} for full application tests.
 */
package dev.pikodb.test.autoconfigure;
